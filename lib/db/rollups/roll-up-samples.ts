// Builds rollup buckets from the raw samples. Every run recomputes its buckets whole, so reruns
// are harmless and a late sample corrects its bucket the next time its range is rolled up.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { withoutJit } from '../without-jit.ts';
import { sampleDeviceRowsSql } from './device-figures.ts';
import { ROLLUP_BUCKET_MS, ROLLUP_DETAIL_METRICS, ROLLUP_DETAIL_METRIC_NAMES, ROLLUP_METRICS, ROLLUP_TABLES, bucketStart, cpuModesJoinSql } from './rollup-metrics.ts';
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
  const bin = sql`date_bin(${sql.lit(BIN_WIDTH[range.resolution])}::interval, ts, timestamptz '1970-01-01 00:00:00+00')`;
  const inRange = sql`ts >= ${new Date(fromMs).toISOString()}::timestamptz AND ts < ${new Date(toMs).toISOString()}::timestamptz`;
  // Column names and expressions come from constant lists, never from input.
  const figures: [column: string, aggregate: string][] = [
    ...ROLLUP_METRICS.flatMap((m): [string, string][] => [
      [`${m}_min`, `min(${m})`],
      [`${m}_max`, `max(${m})`],
      [`${m}_avg`, `avg(${m})`],
    ]),
    ...ROLLUP_DETAIL_METRIC_NAMES.map((m): [string, string] => [`${m}_avg`, `avg(${ROLLUP_DETAIL_METRICS[m]})`]),
  ];
  const columns = [...figures.map(([column]) => column), 'devices'];
  // Device averages are rounded to two decimals, as the samples' json columns are: finer than any
  // chart reads, and half the bytes of a double's seventeen digits.
  const statement = sql`
    WITH device_avg AS (
      SELECT s.host, date_bin(${sql.lit(BIN_WIDTH[range.resolution])}::interval, s.ts, timestamptz '1970-01-01 00:00:00+00') AS bucket,
        d.kind, d.name,
        round(avg(d.v1)::numeric, 2) AS v1, round(avg(d.v2)::numeric, 2) AS v2, round(avg(d.v3)::numeric, 2) AS v3
      FROM samples s CROSS JOIN LATERAL ${sql.raw(sampleDeviceRowsSql('s'))} d
      WHERE ${inRange} AND d.name IS NOT NULL
      GROUP BY 1, 2, 3, 4
    ), device_json AS (
      SELECT host, bucket, json_agg(json_build_array(kind, name, v1, v2, v3) ORDER BY kind, name) AS devices
      FROM device_avg
      GROUP BY 1, 2
    )
    INSERT INTO ${table} (host, bucket, sample_count, ${sql.raw(columns.join(', '))})
    SELECT a.*, d.devices
    FROM (
      SELECT host, ${bin} AS bucket, count(*)::integer AS sample_count,
        ${sql.raw(figures.map(([column, aggregate]) => `${aggregate} AS ${column}`).join(',\n        '))}
      FROM samples s ${sql.raw(cpuModesJoinSql('s'))}
      WHERE ${inRange}
      GROUP BY 1, 2
    ) a
    LEFT JOIN device_json d ON d.host = a.host AND d.bucket = a.bucket
    ON CONFLICT (host, bucket) DO UPDATE SET
      sample_count = excluded.sample_count,
      ${sql.raw(columns.map((c) => `${c} = excluded.${c}`).join(', '))}
    WHERE ${table}.sample_count IS DISTINCT FROM excluded.sample_count`;
  const result = await withoutJit(db, (tx) => statement.execute(tx));
  return Number(result.numAffectedRows ?? 0);
}
