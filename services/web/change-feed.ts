// What changed in the fleet, for the live stream. The web server may run apart from the writer
// and the alerter and shares only the database with them, so one poller per web server (never
// one per browser) asks PostgreSQL every few hundred milliseconds what changed since its cursor,
// and only while somebody listens. Cursors and repeats: see migration 0009.
import type { VigilDb } from '../../lib/db/database.ts';
import { selectAlertChanges } from '../../lib/db/queries/select-alert-changes.ts';
import { selectChangeHorizon } from '../../lib/db/queries/select-change-horizon.ts';
import { selectHostChanges, type HostChange } from '../../lib/db/queries/select-host-changes.ts';
import type { Logger } from '../../lib/log.ts';
import { toApiAlert } from '../../lib/web/api-alert.ts';
import type { LiveEvent, LiveHost, LiveSamples } from '../../lib/web/live-event.ts';

export interface ChangeFeedOptions {
  db: VigilDb;
  log: Logger;
  /** Pause between two looks at the database while anybody listens. Default 400 ms. */
  everyMs?: number;
}

/** Gets every look's events at once (an empty look is not passed on). */
export type ChangeListener = (events: LiveEvent[]) => void;

export interface ChangeFeed {
  /** Starts polling with the first listener, stops with the last; returns the unsubscribe. */
  subscribe(listener: ChangeListener): () => void;
  /** Resolves once the feed took its baseline: changes committed after that are all told. */
  whenReady(): Promise<void>;
  /** Drops every listener and waits for a look in progress. */
  stop(): Promise<void>;
}

export const DEFAULT_FEED_EVERY_MS = 400;

type KnownHost = Omit<HostChange, 'name' | 'statusMessage'>;

export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const { db, log } = options;
  const everyMs = options.everyMs ?? DEFAULT_FEED_EVERY_MS;
  const listeners = new Set<ChangeListener>();
  let timer: NodeJS.Timeout | null = null;
  const looking = new Set<Promise<void>>();
  // Bumped whenever polling stops, so that a look finishing afterwards neither emits nor re-arms.
  let generation = 0;
  let failing = false;
  let state = freshState();

  const reset = (): void => {
    generation++;
    if (timer) clearTimeout(timer);
    timer = null;
    // A restart takes a fresh baseline: resuming an old cursor would replay everything since.
    // A look still running keeps the old state object, so it cannot spoil the new one.
    state = freshState();
  };

  const arm = (delayMs: number): void => {
    const mine = generation;
    timer = setTimeout(() => {
      timer = null;
      const run: Promise<void> = look(mine, state).finally(() => {
        looking.delete(run);
        if (mine === generation && listeners.size > 0) arm(everyMs);
      });
      looking.add(run);
    }, delayMs);
  };

  const look = async (mine: number, current: FeedState): Promise<void> => {
    let events: LiveEvent[];
    try {
      events = await changesSinceCursor(current);
    } catch (error) {
      if (!failing) log.warn('reading changes for the live stream failed; retrying', { error });
      failing = true;
      return;
    }
    if (failing) log.info('reading changes for the live stream works again');
    failing = false;
    if (mine !== generation || events.length === 0) return;
    for (const listener of listeners) {
      try {
        listener(events);
      } catch (error) {
        log.error('a live stream listener failed', { error });
      }
    }
  };

  const changesSinceCursor = async (current: FeedState): Promise<LiveEvent[]> => {
    const { hosts, alertXids } = current;
    // Read before the rows it bounds: anything committing after this look has an xid at or above it.
    const horizon = await selectChangeHorizon(db);
    if (current.cursor === null) {
      for (const row of await selectHostChanges(db, { since: null })) hosts.set(row.name, known(row));
      current.cursor = horizon;
      current.markReady();
      return [];
    }
    const hostRows = await selectHostChanges(db, { since: current.cursor });
    const alertRows = await selectAlertChanges(db, { since: current.cursor });

    const samples: LiveSamples['hosts'] = [];
    const statuses: LiveHost[] = [];
    for (const row of hostRows) {
      const before = hosts.get(row.name);
      if (before !== undefined && before.changedXid === row.changedXid) continue;
      hosts.set(row.name, known(row));
      if (row.lastSampleAt !== null && (before?.lastSampleAt == null || row.lastSampleAt > before.lastSampleAt)) {
        samples.push({ name: row.name, ts: row.lastSampleAt });
      }
      if (before === undefined || before.status !== row.status || before.statusReason !== row.statusReason) {
        statuses.push({ name: row.name, status: row.status, statusReason: row.statusReason, statusMessage: row.statusMessage });
      }
    }
    const alerts: LiveEvent[] = [];
    for (const { alert, changedXid } of alertRows) {
      if (alertXids.get(alert.key) === changedXid) continue;
      alertXids.set(alert.key, changedXid);
      alerts.push({ type: 'alert', data: toApiAlert(alert) });
    }
    // Below the new cursor nothing is read again, so repeats there need no remembering.
    const floor = BigInt(horizon);
    for (const [key, xid] of alertXids) if (BigInt(xid) < floor) alertXids.delete(key);
    current.cursor = horizon;

    const events: LiveEvent[] = [];
    if (samples.length > 0) events.push({ type: 'samples', data: { hosts: samples } });
    for (const status of statuses) events.push({ type: 'host', data: status });
    events.push(...alerts);
    return events;
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1 && timer === null) arm(0);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) reset();
      };
    },
    whenReady: () => state.ready,
    async stop() {
      listeners.clear();
      reset();
      await Promise.all(looking);
    },
  };
}

interface FeedState {
  /** Null until the baseline is read. */
  cursor: string | null;
  /** Every host's last seen figures, to tell a new sample from a status change. */
  hosts: Map<string, KnownHost>;
  /** The xid each alert was last sent with, while it may still be read again. */
  alertXids: Map<string, string>;
  ready: Promise<void>;
  markReady: () => void;
}

function freshState(): FeedState {
  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  return { cursor: null, hosts: new Map(), alertXids: new Map(), ready, markReady };
}

function known(row: HostChange): KnownHost {
  return { lastSampleAt: row.lastSampleAt, status: row.status, statusReason: row.statusReason, changedXid: row.changedXid };
}
