// Publishes one poll job per host per interval. Hosts are spread over their interval by a
// stable phase, one timer serves them all (a due-time heap), and a host never has two jobs
// in flight: the scheduler listens to the workers' completion notices (poll.done) to know when a
// host's poll is done.
// A host being watched live is polled at a short interval until its live polling ends.
import { randomUUID } from 'node:crypto';
import type { MessageBus, Subscription } from '../../lib/bus/message-bus.ts';
import type { Logger } from '../../lib/log.ts';
import { processMetrics } from '../../lib/metrics/vigil-metrics.ts';
import type { VigilMetrics } from '../../lib/metrics/vigil-metrics.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollJob } from '../../lib/poll/poll-messages.ts';
import { isPollDone, type PollDone } from '../../lib/bus/poll-done.ts';
import { DueQueue } from './due-queue.ts';
import { firstSlotFrom, nextSlotAfter, pollPhaseMs } from './poll-phase.ts';

export interface SchedulerOptions {
  bus: MessageBus;
  log: Logger;
  /** Called at start (a failure rejects the start) and on every reload (a failure keeps the last good set). */
  loadTargets: () => Promise<HostTarget[]>;
  /** Called with every successfully loaded set, before its hosts are scheduled; a failure is logged. */
  onTargets?: (targets: HostTarget[]) => Promise<void>;
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
  /** In [0, 1): where in its interval a lost job's host is tried again. Default Math.random. */
  random?: () => number;
  /** Where jobs and reloads are counted; default this process's registry. */
  metrics?: VigilMetrics;
}

export interface SchedulerStats {
  /** Jobs the bus accepted. */
  published: number;
  /** Due polls not published because the host's previous job was still in flight. */
  skipped: number;
  /** Jobs that expired without a result. */
  lost: number;
  /** Of those, the ones answered after all (a host slower than its interval, not a job left in a queue). */
  answeredLate: number;
  /** Publishes the bus refused; the host is tried again at its next due time. */
  publishFailed: number;
}

export interface Scheduler {
  /** Loads the targets again and applies them; on failure logs and keeps the current set. Never rejects. */
  reload(): Promise<void>;
  /** Stops the timer and the result subscription; nothing is published after this resolves. */
  stop(): Promise<void>;
  /** The hosts being polled now. */
  targets(): HostTarget[];
  /**
   * The hosts to poll live now, replacing the previous set: each at its interval until its end,
   * then (or when it leaves the set) at its usual interval again. Unknown hosts are ignored.
   */
  setLivePolls(polls: readonly LivePollRequest[]): void;
}

export interface LivePollRequest {
  host: string;
  intervalSec: number;
  /** Milliseconds since the epoch. */
  untilMs: number;
}

/** The scheduler as started, with its counters (for tests and, later, metrics). */
export interface CountingScheduler extends Scheduler {
  stats(): SchedulerStats;
}

interface HostSchedule {
  target: HostTarget;
  /** The inventory's interval. */
  baseIntervalMs: number;
  /** The interval polled at now: the live one while live. */
  intervalMs: number;
  phaseMs: number;
  live: { intervalMs: number; untilMs: number } | null;
  /** The due time of the one live heap entry; older entries for this host are stale. */
  nextDue: number;
  inFlight: { seq: number; expiresAt: number } | null;
  /** Its jobs that expired without a result since its last answered one. */
  lostInARow: number;
  /** The last of them: an answer to it after all means the host is slow, not its job left unread. */
  lostSeq: number | null;
  removed: boolean;
}

// setTimeout overflows beyond this and fires at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

export async function startScheduler(options: SchedulerOptions): Promise<CountingScheduler> {
  const { bus, log, loadTargets, onTargets } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const metrics = options.metrics ?? processMetrics();

  let hosts = new Map<string, HostSchedule>();
  // Kept for hosts that leave and come back, so that a late result of the old host never
  // matches a job of the new one.
  const lastSeq = new Map<string, number>();
  const queue = new DueQueue<HostSchedule>();
  const pendingPublishes = new Set<Promise<void>>();
  const stats: SchedulerStats = { published: 0, skipped: 0, lost: 0, answeredLate: 0, publishFailed: 0 };
  let timer: NodeJS.Timeout | null = null;
  let armedFor = Infinity;
  let stopped = false;

  const arm = (): void => {
    if (stopped) return;
    const top = queue.peek();
    if (!top || (timer && armedFor <= top.due)) return;
    if (timer) clearTimeout(timer);
    armedFor = top.due;
    timer = setTimeout(tick, Math.min(MAX_TIMER_MS, Math.max(0, top.due - now())));
  };

  const tick = (): void => {
    timer = null;
    armedFor = Infinity;
    if (stopped) return;
    const time = now();
    for (let top = queue.peek(); top && top.due <= time; top = queue.peek()) {
      queue.pop();
      const host = top.item;
      if (host.removed || host.nextDue !== top.due) continue;
      fire(host, top.due, time);
    }
    arm();
  };

  /** Moves the host onto the slots of the interval it should be polled at now. */
  const reschedule = (host: HostSchedule, time: number): void => {
    host.intervalMs = host.live?.intervalMs ?? host.baseIntervalMs;
    host.phaseMs = pollPhaseMs(host.target.name, host.intervalMs);
    // Going live, the first live poll comes within one live interval; going back, at the next usual slot.
    host.nextDue = host.live ? firstSlotFrom(time, host.intervalMs, host.phaseMs) : nextSlotAfter(time, host.intervalMs, host.phaseMs);
    queue.push(host.nextDue, host);
  };

  const fire = (host: HostSchedule, due: number, time: number): void => {
    // Ended here rather than by the next setLivePolls, so a database that stops answering
    // cannot keep a host live.
    if (host.live && due >= host.live.untilMs) {
      host.live = null;
      reschedule(host, time);
      log.info('live polling ended', { host: host.target.name });
      return;
    }
    const { intervalMs, phaseMs } = host;
    // Far behind (a blocked event loop, a suspended machine): poll once for the latest slot
    // instead of catching up on every missed one, and never publish an already expired job.
    const slot = time - due >= intervalMs ? nextSlotAfter(time, intervalMs, phaseMs) - intervalMs : due;
    // Next due is the previous slot plus the interval, so timer lateness never accumulates.
    host.nextDue = nextSlotAfter(slot, intervalMs, phaseMs);
    queue.push(host.nextDue, host);

    const name = host.target.name;
    if (host.inFlight) {
      if (host.inFlight.expiresAt > slot) {
        stats.skipped++;
        metrics.jobSkipped();
        log.debug('poll skipped: previous job still in flight', { host: name, seq: host.inFlight.seq });
        return;
      }
      stats.lost++;
      metrics.jobLost();
      log.debug('poll job expired without a result', { host: name, seq: host.inFlight.seq });
      host.lostSeq = host.inFlight.seq;
      host.inFlight = null;
      // Expired unanswered again: workers with more jobs than they can poll drop the oldest, and
      // a host whose slot keeps landing where they are dropped would go unpolled for as long as
      // the overload lasts (3,000 polls a second asked of one worker that did about 1,800: 5 hosts
      // never polled in 4 minutes, their slots in narrow bands of the second). Its next job leaves at
      // a random point of the coming interval instead, off its slot; the slot after is skipped
      // while that job is in flight, so an overloaded fleet is also asked for fewer polls that
      // go to waste. One loss alone (a slow first contact) keeps the slot, and a host whose lost
      // jobs are answered late (one hanging past its interval) keeps it throughout.
      host.lostInARow++;
      if (host.lostInARow >= 2 && intervalMs > 1) {
        host.nextDue = slot + 1 + Math.floor(random() * (intervalMs - 1));
        queue.push(host.nextDue, host);
        return;
      }
    }
    publish(host, slot);
  };

  const publish = (host: HostSchedule, scheduledAt: number): void => {
    const name = host.target.name;
    const seq = (lastSeq.get(name) ?? 0) + 1;
    lastSeq.set(name, seq);
    // A live job says its live interval, so the worker keeps full polls at their usual period
    // in time (lib/collect/poll-schedule.ts counts polls) instead of making every few polls full.
    const target = host.live ? { ...host.target, intervalSec: host.live.intervalMs / 1000 } : host.target;
    const job: PollJob = { target, seq, scheduledAt, expiresAt: scheduledAt + host.intervalMs };
    host.inFlight = { seq, expiresAt: job.expiresAt };
    let attempt: Promise<void>;
    try {
      attempt = bus.publish('poll.jobs', job);
    } catch (err) {
      attempt = Promise.reject(err);
    }
    const published = attempt.then(
      () => {
        stats.published++;
        metrics.jobPublished();
      },
      (err: unknown) => {
        stats.publishFailed++;
        metrics.jobPublishFailed();
        if (host.inFlight?.seq === seq) host.inFlight = null;
        log.warn('publishing a poll job failed; retrying at the next due time', { host: name, seq, error: err });
      },
    );
    pendingPublishes.add(published);
    void published.finally(() => pendingPublishes.delete(published));
  };

  const onDone = async (done: PollDone): Promise<void> => {
    if (!isPollDone(done)) {
      log.warn('ignoring a malformed poll completion', { message: done });
      return;
    }
    const host = hosts.get(done.host);
    if (!host) return;
    if (host.inFlight?.seq === done.seq) {
      host.inFlight = null;
      host.lostInARow = 0;
    } else if (host.lostSeq === done.seq) {
      stats.answeredLate++;
      metrics.jobAnsweredLate();
      host.lostSeq = null;
      host.lostInARow = 0;
    }
  };

  const apply = (targets: HostTarget[]): void => {
    const time = now();
    const next = new Map<string, HostSchedule>();
    for (const target of targets) {
      if (next.has(target.name)) {
        log.warn('duplicate host in targets; keeping the first', { host: target.name });
        continue;
      }
      const intervalMs = Math.round(target.intervalSec * 1000);
      const phaseMs = pollPhaseMs(target.name, intervalMs);
      const existing = hosts.get(target.name);
      if (existing) {
        // A new address or user rides on the next job; a new interval moves the host onto
        // its slots for that interval from now on.
        existing.target = target;
        if (existing.baseIntervalMs !== intervalMs) {
          existing.baseIntervalMs = intervalMs;
          if (!existing.live) reschedule(existing, time);
        }
        next.set(target.name, existing);
      } else {
        const schedule: HostSchedule = {
          target,
          baseIntervalMs: intervalMs,
          intervalMs,
          phaseMs,
          live: null,
          nextDue: firstSlotFrom(time, intervalMs, phaseMs),
          inFlight: null,
          lostInARow: 0,
          lostSeq: null,
          removed: false,
        };
        queue.push(schedule.nextDue, schedule);
        next.set(target.name, schedule);
      }
    }
    for (const [name, schedule] of hosts) if (!next.has(name)) schedule.removed = true;
    hosts = next;
    arm();
  };

  const notify = async (targets: HostTarget[]): Promise<void> => {
    if (!onTargets) return;
    try {
      await onTargets(targets);
    } catch (err) {
      log.error('handling the loaded hosts failed', { hosts: targets.length, error: err });
    }
  };

  const first = await loadTargets().catch((err: unknown) => {
    metrics.inventoryReloaded(false);
    throw err;
  });
  metrics.inventoryReloaded(true);
  const subscription: Subscription = await bus.subscribe(
    'poll.done',
    { name: `scheduler-${randomUUID()}`, durable: false, prefetch: 1000 },
    onDone,
  );
  await notify(first);
  apply(first);
  log.info('scheduler started', { hosts: hosts.size });

  const reloadOnce = async (): Promise<void> => {
    if (stopped) return;
    let targets: HostTarget[];
    try {
      targets = await loadTargets();
    } catch (err) {
      metrics.inventoryReloaded(false);
      log.error('reloading hosts failed; still polling the last good set', { hosts: hosts.size, error: err });
      return;
    }
    if (stopped) return;
    metrics.inventoryReloaded(true);
    await notify(targets);
    if (stopped) return;
    apply(targets);
    log.info('hosts reloaded', { hosts: hosts.size });
  };

  // Reloads run one at a time, in call order, so an older load never overwrites a newer one.
  let reloading: Promise<void> = Promise.resolve();

  return {
    reload: () => {
      reloading = reloading.then(reloadOnce);
      return reloading;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      queue.clear();
      await Promise.all(pendingPublishes);
      // A reload still loading is not awaited (a hung loader must not hang shutdown); it
      // checks `stopped` before applying anything.
      await subscription.close();
    },
    targets: () => [...hosts.values()].map((schedule) => schedule.target),
    setLivePolls: (polls) => {
      if (stopped) return;
      const time = now();
      const wanted = new Map(polls.filter((poll) => poll.untilMs > time).map((poll) => [poll.host, poll]));
      for (const host of hosts.values()) {
        const want = wanted.get(host.target.name);
        const intervalMs = want ? Math.round(want.intervalSec * 1000) : Infinity;
        // Live never slows down a host whose usual interval is shorter already.
        if (want && intervalMs < host.baseIntervalMs) {
          const changed = host.live?.intervalMs !== intervalMs;
          host.live = { intervalMs, untilMs: want.untilMs };
          if (changed) {
            reschedule(host, time);
            log.info('live polling', { host: host.target.name, intervalSec: want.intervalSec, until: new Date(want.untilMs).toISOString() });
          }
        } else if (host.live) {
          host.live = null;
          reschedule(host, time);
          log.info('live polling ended', { host: host.target.name });
        }
      }
      arm();
    },
    stats: () => ({ ...stats }),
  };
}
