// Poll failures, alert history and sent notifications expire too (lib/db/queries/delete-expired-records.ts):
// until now they grew for ever, a host that stays down adding a failure row each poll. Retention
// deletes them by age in batches, and these indexes let it find the old rows without reading the
// whole table.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX poll_failures_ts ON poll_failures (ts)`.execute(db);
  await sql`CREATE INDEX alert_history_at ON alert_history (at)`.execute(db);
  await sql`CREATE INDEX notifications_created_at ON notifications (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX notifications_created_at`.execute(db);
  await sql`DROP INDEX alert_history_at`.execute(db);
  await sql`DROP INDEX poll_failures_ts`.execute(db);
}
