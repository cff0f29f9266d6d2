// Which source produced each host's newest sample (issue #8): 'ssh' (the poll script, over SSH or
// a local shell) or 'node_exporter'. Kept on the host's row beside last_sample_at rather than in
// every sample: the host page shows it for the newest sample only, and a samples column would
// have to enter the chunked history too. Null until the host's first sample after this migration.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE hosts ADD COLUMN last_sample_source text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE hosts DROP COLUMN last_sample_source`.execute(db);
}
