// How many of an alert's escalation steps (alerts.yml `escalate`) have been told, so that each step
// goes out once, and a recovery reaches those the escalation told too. A new occurrence of the
// alert starts from 0.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE alerts ADD COLUMN escalated_steps integer NOT NULL DEFAULT 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE alerts DROP COLUMN escalated_steps`.execute(db);
}
