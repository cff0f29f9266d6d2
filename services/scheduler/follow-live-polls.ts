// Keeps the scheduler's live hosts in step with live_polls, where the web server records them:
// read every second, so a click on "live" shows faster polls within about a second. A failed
// read keeps the current set (each live poll still ends on time inside the scheduler).
import type { VigilDb } from '../../lib/db/database.ts';
import { listActiveLivePolls } from '../../lib/db/queries/live-polls.ts';
import type { Logger } from '../../lib/log.ts';
import type { Scheduler } from './scheduler-service.ts';

export interface FollowLivePollsOptions {
  db: VigilDb;
  log: Logger;
  scheduler: Pick<Scheduler, 'setLivePolls'>;
  /** Default 1000 ms. */
  everyMs?: number;
  now?: () => number;
}

export interface LivePollFollower {
  stop(): Promise<void>;
}

export function followLivePolls(options: FollowLivePollsOptions): LivePollFollower {
  const { db, log, scheduler } = options;
  const everyMs = options.everyMs ?? 1000;
  const now = options.now ?? Date.now;
  let stopped = false;
  let failing = false;
  let timer: NodeJS.Timeout | null = null;
  let reading: Promise<void> | null = null;

  const readOnce = async (): Promise<void> => {
    try {
      const polls = await listActiveLivePolls(db, { nowMs: now() });
      if (stopped) return;
      scheduler.setLivePolls(polls);
      if (failing) log.info('reading live polls works again');
      failing = false;
    } catch (error) {
      if (!failing) log.warn('reading live polls failed; keeping the current ones', { error });
      failing = true;
    }
  };

  const next = (delayMs: number): void => {
    timer = setTimeout(() => {
      timer = null;
      reading = readOnce().finally(() => {
        reading = null;
        if (!stopped) next(everyMs);
      });
    }, delayMs);
  };
  next(0);

  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await reading;
    },
  };
}
