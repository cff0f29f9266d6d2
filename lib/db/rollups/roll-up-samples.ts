// Builds rollup buckets from the raw samples. Every run recomputes its buckets whole, so reruns
// are harmless and a late sample corrects its bucket the next time its range is rolled up.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { ROLLUP_BUCKET_MS, ROLLUP_METRICS, ROLLUP_TABLES, bucketStart } from './rollup-metrics.ts';
import type { RollupResolution } from './rollup-metrics.ts';

export interface RollUpRange {
  resolution: RollupResolution;
  /** Epoch milliseconds; rounded down to the start of its bucket. */
  fromMs: number;
  /** Epoch milliseconds, exclusive; rounded up to a bucket boundary. */
  toMs: number;
}

const BIN_WIDTH: Record<RollupResolution, string> = { '1m': '1 minute', '1h': '1 hour' };

/**
 * Recomputes from the raw samples every bucket that starts in the range, and returns how many
 * buckets it wrote. A bucket whose sample count has not changed is left as it is: samples are
 * never updated, only added, so the same count means the same samples, and skipping the rewrite
 * spares the table a dead row per bucket per run. Buckets whose raw samples are gone stay.
 */
export async function rollUpSamples(db: Kysely<Database>, range: RollUpRange): Promise<number> {
  const width = ROLLUP_BUCKET_MS[range.resolution];
  const fromMs = bucketStart(range.resolution, range.fromMs);
  const toMs = bucketStart(range.resolution, range.toMs - 1) + width;
  if (toMs <= fromMs) return 0;
  const table = sql.id(ROLLUP_TABLES[range.resolution]);
  // Column names come from a constant list, never from input.
  const columns = ROLLUP_METRICS.flatMap((m) => [`${m}_min`, `${m}_max`, `${m}_avg`]);
  const aggregates = ROLLUP_METRICS.flatMap((m) => [`min(${m})`, `max(${m})`, `avg(${m})`]);
  const result = await sql`
    INSERT INTO ${table} (host, bucket, sample_count, ${sql.raw(columns.join(', '))})
    SELECT host,
      date_bin(${sql.lit(BIN_WIDTH[range.resolution])}::interval, ts, timestamptz '1970-01-01 00:00:00+00') AS bucket,
      count(*)::integer,
      ${sql.raw(aggregates.join(', '))}
    FROM samples
    WHERE ts >= ${new Date(fromMs).toISOString()}::timestamptz AND ts < ${new Date(toMs).toISOString()}::timestamptz
    GROUP BY 1, 2
    ON CONFLICT (host, bucket) DO UPDATE SET
      sample_count = excluded.sample_count,
      ${sql.raw(columns.map((c) => `${c} = excluded.${c}`).join(', '))}
    WHERE ${table}.sample_count IS DISTINCT FROM excluded.sample_count`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
