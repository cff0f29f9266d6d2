// The alerting settings of each host from the inventory (vigil_thresholds, vigil_down_after,
// vigil_maintenance), and the inventory names of the SSH bastions it is reached through, so that
// the evaluator follows inventory edits by reading the hosts table, with no inventory of its own.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE hosts ADD COLUMN alerting json`.execute(db);
  await sql`ALTER TABLE hosts ADD COLUMN via json NOT NULL DEFAULT '[]'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE hosts DROP COLUMN via`.execute(db);
  await sql`ALTER TABLE hosts DROP COLUMN alerting`.execute(db);
}
