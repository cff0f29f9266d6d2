// How far each rollup has been built: every bucket starting before `rolled_until` was computed
// from the raw samples at least once. Kept in the database so that a restarted writer (or
// another one) carries on where the last left off.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import type { RollupResolution } from './rollup-metrics.ts';

export type RollupProgress = Record<RollupResolution, number | null>;

export async function readRollupProgress(db: Kysely<Database>): Promise<RollupProgress> {
  const rows = await db.selectFrom('rollup_progress').select(['resolution', 'rolled_until']).execute();
  const progress: RollupProgress = { '1m': null, '1h': null };
  for (const row of rows) progress[row.resolution] = row.rolled_until.getTime();
  return progress;
}

/** Moves the mark forward to `untilMs`; never back, whoever else moved it meanwhile. */
export async function recordRollupProgress(db: Kysely<Database>, resolution: RollupResolution, untilMs: number): Promise<void> {
  await sql`
    INSERT INTO rollup_progress (resolution, rolled_until) VALUES (${resolution}, ${new Date(untilMs).toISOString()}::timestamptz)
    ON CONFLICT (resolution) DO UPDATE SET rolled_until = greatest(rollup_progress.rolled_until, excluded.rolled_until)`.execute(db);
}
