// `vigil up` runs every service in one process: one heartbeat row per role, so that its status
// (and the dashboard's view of the pipeline) lists the same roles a fleet would.
import type { VigilDb } from '../db/database.ts';
import type { Logger } from '../log.ts';
import type { ShutdownStep } from '../shutdown.ts';
import { startHeartbeat } from './service-heartbeat.ts';
import type { Heartbeat } from './service-heartbeat.ts';

export interface RoleHeartbeatsOptions {
  db: VigilDb;
  log: Logger;
  /** By role name, what the role tells about itself at each beat (null: nothing). */
  roles: Record<string, (() => Record<string, unknown>) | null>;
  intervalMs?: number;
}

/** Every role's first beat is written before it returns; the step stops them all and deletes their rows. */
export async function startRoleHeartbeats(options: RoleHeartbeatsOptions): Promise<ShutdownStep> {
  const started: Heartbeat[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.splice(0).map((heartbeat) => heartbeat.stop()));
  };
  try {
    for (const [service, info] of Object.entries(options.roles)) {
      const log = options.log.child({ service });
      started.push(await startHeartbeat({ db: options.db, service, log, ...(info ? { info } : {}), ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}) }));
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { name: 'heartbeats', run: stopAll };
}
