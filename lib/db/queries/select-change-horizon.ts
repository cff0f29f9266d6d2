// The feed's next cursor: every transaction below it has committed or aborted, so a row it
// stamped (changed_xid, migration 0009) is visible now or never will be. Read it before the
// changes it bounds; it never assigns this session a transaction id of its own.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';

/** An xid8 as decimal text, to hand back to selectHostChanges / selectAlertChanges. */
export async function selectChangeHorizon(db: VigilDb): Promise<string> {
  const result = await sql<{ horizon: string }>`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`.execute(db);
  const horizon = result.rows[0]?.horizon;
  if (horizon === undefined) throw new Error('the database returned no snapshot');
  return horizon;
}
