// Rows of service_heartbeats: written by each service with a database for itself, and by the
// writer for the workers, which have none (their beats come over the bus).
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';

export interface HeartbeatRow {
  service: string;
  instance: string;
  host: string;
  pid: number;
  startedAt: Date;
  info: Record<string, unknown>;
}

/** seen_at is the database's clock, so that hosts with skewed clocks agree. */
export async function upsertServiceHeartbeat(db: VigilDb, row: HeartbeatRow): Promise<void> {
  const info = JSON.stringify(row.info);
  await db
    .insertInto('service_heartbeats')
    .values({ service: row.service, instance: row.instance, host: row.host, pid: row.pid, started_at: row.startedAt, seen_at: sql<Date>`now()`, info })
    .onConflict((conflict) => conflict.columns(['service', 'instance']).doUpdateSet({ seen_at: sql<Date>`now()`, info }))
    .execute();
}

export async function deleteServiceHeartbeat(db: VigilDb, service: string, instance: string): Promise<void> {
  await db.deleteFrom('service_heartbeats').where('service', '=', service).where('instance', '=', instance).execute();
}
