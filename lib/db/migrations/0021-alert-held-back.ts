// Why an alert's notices are held back now (an inhibiting alert, a down bastion, a silence, a
// maintenance window), as the alerter last judged it: the dashboard and the API show it, as
// Alertmanager shows an alert's silencedBy and inhibitedBy. NULL: notices go out. A change of it
// stamps the row for the live change feed (migration 0009), so an open alerts page shows it.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { replaceStampFunction } from './stamp-changes.ts';

const BEFORE = ['state', 'starts_at', 'ends_at', 'acked_by', 'acked_at', 'flapping'];
const NOW = [...BEFORE, 'held_back_by'];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE alerts ADD COLUMN held_back_by text`.execute(db);
  await replaceStampFunction(db, 'alerts', NOW);
}

export async function down(db: Kysely<any>): Promise<void> {
  await replaceStampFunction(db, 'alerts', BEFORE);
  await sql`ALTER TABLE alerts DROP COLUMN held_back_by`.execute(db);
}
