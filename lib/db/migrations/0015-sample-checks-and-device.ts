// Issue #8: the results of a host's service checks (vigil_checks) and the SNMP report of a printer
// or network device (vigil_source: snmp), each a `json` column of the sample, NULL when not
// collected, which costs a row nothing. Neither is rolled up: a check's state and a printer's
// supplies are read as the newest value, and their figures (latencies, supply levels) change shape
// with the inventory. poll_failures gets `checks` too: HTTP and TCP checks run from the worker,
// not over the host's SSH, so a web check of a host whose poll failed still has a result to keep.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE samples ADD COLUMN checks json, ADD COLUMN device json`.execute(db);
  await sql`ALTER TABLE poll_failures ADD COLUMN checks json`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE poll_failures DROP COLUMN checks`.execute(db);
  await sql`ALTER TABLE samples DROP COLUMN checks, DROP COLUMN device`.execute(db);
}
