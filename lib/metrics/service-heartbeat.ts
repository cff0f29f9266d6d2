// A service's row in service_heartbeats, kept fresh while it runs, for `vigil status`.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { VigilDb } from '../db/database.ts';
import { deleteServiceHeartbeat, upsertServiceHeartbeat } from '../db/queries/service-heartbeat-rows.ts';
import type { Logger } from '../log.ts';

export const HEARTBEAT_INTERVAL_MS = 5000;
/** Rows of processes gone this long (killed, never stopped cleanly) are pruned by the next service to start. */
const FORGET_AFTER = '1 day';

export interface HeartbeatOptions {
  db: VigilDb;
  /** scheduler, worker, writer, web, ... */
  service: string;
  log: Logger;
  intervalMs?: number;
  /** What the service tells about itself (e.g. whether this scheduler is the active one), read at each beat. */
  info?: () => Record<string, unknown>;
}

export interface Heartbeat {
  /** This process's name in service_heartbeats: host, pid and a random suffix (pids repeat across containers). */
  instance: string;
  /** Writes the row now. Never rejects: a missed beat is logged and the next one tries again. */
  beat(): Promise<void>;
  /** Stops beating and deletes the row: a service stopped on purpose is not a service missing. */
  stop(): Promise<void>;
}

/** Who this process is in service_heartbeats. */
export interface HeartbeatIdentity {
  /** Host, pid and a random suffix (pids repeat across containers). */
  instance: string;
  host: string;
  pid: number;
  startedAt: Date;
}

export function heartbeatIdentity(): HeartbeatIdentity {
  const host = hostname();
  return { instance: `${host}-${process.pid}-${randomBytes(2).toString('hex')}`, host, pid: process.pid, startedAt: new Date() };
}

/** Writes the first beat before it returns, so the service shows as soon as it has started. */
export async function startHeartbeat(options: HeartbeatOptions): Promise<Heartbeat> {
  const { db, service, log } = options;
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const { instance, host, pid, startedAt } = heartbeatIdentity();
  let failing = false;

  const writeBeat = async (): Promise<void> => {
    try {
      await upsertServiceHeartbeat(db, { service, instance, host, pid, startedAt, info: options.info?.() ?? {} });
      if (failing) log.info('heartbeat written again', { service, instance });
      failing = false;
    } catch (error) {
      // Once per outage: the database being down is reported loudly by whoever needs it.
      if (!failing) log.warn('cannot write heartbeat', { service, instance, error });
      failing = true;
    }
  };

  try {
    await db.deleteFrom('service_heartbeats').where('seen_at', '<', sql<Date>`now() - ${FORGET_AFTER}::interval`).execute();
  } catch (error) {
    log.debug('cannot prune old heartbeats', { error });
  }
  const loop = await startBeatLoop(writeBeat, intervalMs);

  return {
    instance,
    beat: loop.beat,
    stop: async () => {
      if (!(await loop.stop())) return;
      try {
        await deleteServiceHeartbeat(db, service, instance);
      } catch (error) {
        log.warn('cannot remove heartbeat; it ages out', { service, instance, error });
      }
    },
  };
}

export interface BeatLoop {
  /** Beats now (after the one under way); after stop(), does nothing. */
  beat(): Promise<void>;
  /** Stops the timer and waits for the beat under way; false if it was stopped already. */
  stop(): Promise<boolean>;
}

/**
 * What both heartbeats (database and bus) share: `send` now, then every intervalMs, one at a
 * time, so that a slow database or broker does not pile beats up. `send` must not reject.
 */
export async function startBeatLoop(send: () => Promise<void>, intervalMs: number): Promise<BeatLoop> {
  let stopped = false;
  let beating: Promise<void> = Promise.resolve();
  const beat = (): Promise<void> => {
    beating = beating.then(send);
    return beating;
  };
  await beat();
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  return {
    beat: () => (stopped ? Promise.resolve() : beat()),
    stop: async () => {
      if (stopped) return false;
      stopped = true;
      clearInterval(timer);
      await beating;
      return true;
    },
  };
}
