// Builds rollup buckets from the raw samples (an hour's per-device figures from its minutes).
// Every run recomputes its changed buckets whole, so reruns are harmless and a late sample
// corrects its bucket the next time its range is rolled up.
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import type { Database } from '../database.ts';
import { withoutJit } from '../without-jit.ts';
import { DEVICE_FIELDS, DEVICE_KINDS, DEVICE_VALUE_COLUMNS, rollupDeviceRowsSql, sampleDeviceRowsSql } from './device-figures.ts';
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
 * Recomputes from the raw samples every bucket that starts in the range and whose sample count
 * changed, and returns how many buckets it wrote. Samples are never updated, only added, so the
 * same count means the same samples: an unchanged bucket is neither computed again (expanding
 * every sample's device json is most of the cost, and a pass re-rolls its last minutes for late
 * samples) nor rewritten (which would leave the table a dead row per bucket per run). Buckets
 * whose raw samples are gone stay. An hour's per-device figures come from its 1-minute buckets,
 * a sixtieth of the rows and already expanded: roll the minutes up first (the maintenance pass does).
 */
export async function rollUpSamples(db: Kysely<Database>, range: RollUpRange): Promise<number> {
  const width = ROLLUP_BUCKET_MS[range.resolution];
  const fromMs = bucketStart(range.resolution, range.fromMs);
  const toMs = bucketStart(range.resolution, range.toMs - 1) + width;
  if (toMs <= fromMs) return 0;
  return withoutJit(db, async (tx) => {
    const changed = await changedSpan(tx, range.resolution, fromMs, toMs);
    return changed === null ? 0 : rollUp(tx, range.resolution, changed.fromMs, changed.toMs);
  });
}

/** The span from the first to the last bucket whose sample count differs from the stored one. */
async function changedSpan(db: Kysely<Database>, resolution: RollupResolution, fromMs: number, toMs: number): Promise<{ fromMs: number; toMs: number } | null> {
  const result = await sql<{ first: Date | string | null; last: Date | string | null }>`
    SELECT min(c.bucket) AS first, max(c.bucket) AS last
    FROM (
      SELECT host, ${binOf(resolution, 'ts')} AS bucket, count(*)::integer AS sample_count
      FROM samples
      WHERE ${inRange(fromMs, toMs)}
      GROUP BY 1, 2
    ) c
    LEFT JOIN ${sql.id(ROLLUP_TABLES[resolution])} x ON x.host = c.host AND x.bucket = c.bucket
    WHERE x.sample_count IS DISTINCT FROM c.sample_count`.execute(db);
  const row = result.rows[0];
  if (row?.first == null || row.last == null) return null;
  return { fromMs: new Date(row.first).getTime(), toMs: new Date(row.last).getTime() + ROLLUP_BUCKET_MS[resolution] };
}

async function rollUp(db: Kysely<Database>, resolution: RollupResolution, fromMs: number, toMs: number): Promise<number> {
  const table = sql.id(ROLLUP_TABLES[resolution]);
  // Averages are rounded to two decimals, as the samples' json columns and percentages are: finer
  // than any chart reads, and stored as small scaled integers where a double's seventeen digits
  // take eight bytes that no compression shortens (BENCHMARKS.md, issue #5). Min and max are
  // figures of the samples themselves: kept exactly.
  const rounded = (expression: string): string => `round((${expression})::numeric, 2)`;
  // Column names and expressions come from constant lists, never from input.
  const figures: [column: string, aggregate: string][] = [
    ...ROLLUP_METRICS.flatMap((m): [string, string][] => [
      [`${m}_min`, `min(${m})`],
      [`${m}_max`, `max(${m})`],
      [`${m}_avg`, rounded(`avg(${m})`)],
    ]),
    ...ROLLUP_DETAIL_METRIC_NAMES.map((m): [string, string] => [`${m}_avg`, rounded(`avg(${ROLLUP_DETAIL_METRICS[m]})`)]),
  ];
  const columns = [...figures.map(([column]) => column), 'devices'];
  const deviceAverages =
    resolution === '1m'
      ? sql`
      SELECT s.host, ${binOf(resolution, 's.ts')} AS bucket, d.kind, d.name,
        ${sql.raw(DEVICE_VALUE_COLUMNS.map((v) => `${rounded(`avg(d.${v})`)} AS ${v}`).join(', '))}
      FROM samples s CROSS JOIN LATERAL ${sql.raw(sampleDeviceRowsSql('s'))} d
      WHERE ${inRange(fromMs, toMs, 's.ts')} AND d.name IS NOT NULL
      GROUP BY 1, 2, 3, 4`
      : sql`
      SELECT m.host, ${binOf(resolution, 'm.bucket')} AS bucket, d.kind, d.name,
        ${sql.raw(DEVICE_VALUE_COLUMNS.map((v) => `${rounded(`sum(d.${v} * m.sample_count) / nullif(sum(m.sample_count) FILTER (WHERE d.${v} IS NOT NULL), 0)`)} AS ${v}`).join(', '))}
      FROM samples_1m m CROSS JOIN LATERAL ${sql.raw(rollupDeviceRowsSql('m'))} d
      WHERE ${inRange(fromMs, toMs, 'm.bucket')}
      GROUP BY 1, 2, 3, 4`;
  const result = await sql`
    WITH device_avg AS (${deviceAverages}
    ), device_json AS (
      SELECT host, bucket, json_agg(${sql.raw(deviceTupleSql())} ORDER BY kind, name) AS devices
      FROM device_avg
      GROUP BY 1, 2
    )
    INSERT INTO ${table} (host, bucket, sample_count, ${sql.raw(columns.join(', '))})
    SELECT a.*, d.devices
    FROM (
      SELECT s.host, ${binOf(resolution, 's.ts')} AS bucket, count(*)::integer AS sample_count,
        ${sql.raw(figures.map(([column, aggregate]) => `${aggregate} AS ${column}`).join(',\n        '))}
      FROM samples s ${sql.raw(cpuModesJoinSql('s'))}
      WHERE ${inRange(fromMs, toMs, 's.ts')}
      GROUP BY 1, 2
    ) a
    LEFT JOIN device_json d ON d.host = a.host AND d.bucket = a.bucket
    ON CONFLICT (host, bucket) DO UPDATE SET
      sample_count = excluded.sample_count,
      ${sql.raw(columns.map((c) => `${c} = excluded.${c}`).join(', '))}
    WHERE ${table}.sample_count IS DISTINCT FROM excluded.sample_count`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

function binOf(resolution: RollupResolution, column: string): RawBuilder<unknown> {
  return sql`date_bin(${sql.lit(BIN_WIDTH[resolution])}::interval, ${sql.raw(column)}, timestamptz '1970-01-01 00:00:00+00')`;
}

function inRange(fromMs: number, toMs: number, column = 'ts'): RawBuilder<unknown> {
  return sql`${sql.raw(column)} >= ${new Date(fromMs).toISOString()}::timestamptz AND ${sql.raw(column)} < ${new Date(toMs).toISOString()}::timestamptz`;
}

/**
 * A device row as its tuple, [kind, name, v1, …] with as many values as its kind has figures: a
 * filesystem's tuple does not carry four nulls for a disk's five figures in every bucket.
 */
function deviceTupleSql(): string {
  const cases = DEVICE_KINDS.map((kind) => `WHEN '${kind}' THEN json_build_array(kind, name, ${DEVICE_VALUE_COLUMNS.slice(0, DEVICE_FIELDS[kind].length).join(', ')})`);
  return `CASE kind ${cases.join(' ')} END`;
}
