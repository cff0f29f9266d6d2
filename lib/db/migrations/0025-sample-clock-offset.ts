// The host's clock against the worker's, in whole seconds (Sample.clockOffsetSec: /proc/stat's
// btime plus uptime), as node_exporter's node_timex_offset_seconds is charted and exported. A plain
// numeric column: NULL in rows stored before costs nothing, and chunks written before read it as
// null (lib/db/chunks). Not rolled up: an offset is a state to look at now, not a history to chart.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE samples ADD COLUMN clock_offset_sec integer`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE samples DROP COLUMN clock_offset_sec`.execute(db);
}
