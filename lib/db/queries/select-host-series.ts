// One host's metrics over a time range, in uPlot's columnar form, built by the database.
// Short recent ranges read the raw samples; longer ones the 1-minute or 1-hour rollups
// (chooseSeriesResolution), so that no chart reads more than about ten thousand rows.
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { VigilDb } from '../database.ts';
import { chooseSeriesResolution } from '../rollups/choose-series-resolution.ts';
import type { SeriesResolution } from '../rollups/choose-series-resolution.ts';
import { DEFAULT_RAW_RETENTION_DAYS } from '../rollups/apply-retention.ts';
import { ROLLUP_BUCKET_MS, ROLLUP_TABLES, bucketStart } from '../rollups/rollup-metrics.ts';
import type { RollupResolution } from '../rollups/rollup-metrics.ts';

export const DEFAULT_MAX_POINTS = 2000;

export type { SeriesResolution };

export interface HostSeriesQuery {
  host: string;
  fromMs: number;
  toMs: number;
  /** Above this many points in the range, they are averaged into equal time buckets. */
  maxPoints?: number;
  /** Raw samples, a rollup, or 'auto' (the default): chosen from the range. */
  resolution?: SeriesResolution | 'auto';
  /** For 'auto': ranges reaching further back than raw retention read rollups. Default: the clock. */
  nowMs?: number;
  rawRetentionDays?: number;
}

export interface HostSeries {
  host: string;
  /** The requested range, ISO 8601. */
  from: string;
  to: string;
  /** What the points were read from: raw samples, 1-minute or 1-hour rollups. */
  resolution: SeriesResolution;
  /**
   * Width in seconds of the time bucket each point summarises: null for raw samples; 60 or 3600
   * for rollups; wider when the range held more than maxPoints points and they were averaged.
   */
  bucketSec: number | null;
  /** Unix SECONDS (uPlot's convention), ascending; every other array is aligned with it. */
  ts: number[];
  cpuBusyPct: (number | null)[];
  memUsedPct: (number | null)[];
  load1: (number | null)[];
  netRxBytesPerSec: (number | null)[];
  netTxBytesPerSec: (number | null)[];
  diskUsedPctMax: (number | null)[];
}

interface SeriesRow {
  host: string;
  point_count: number | string | null;
  ts: number[];
  cpu_busy_pct: (number | null)[];
  mem_used_pct: (number | null)[];
  load1: (number | null)[];
  net_rx_bps: (number | null)[];
  net_tx_bps: (number | null)[];
  disk_used_pct_max: (number | null)[];
}

/** The charted metrics: sample column, and the name of its array in the answer. */
const METRICS = ['cpu_busy_pct', 'mem_used_pct', 'load1', 'net_rx_bps', 'net_tx_bps', 'disk_used_pct_max'] as const;

/** Resolves to null when the host is not known at all (as opposed to known but without samples). */
export async function selectHostSeries(db: VigilDb, query: HostSeriesQuery): Promise<HostSeries | null> {
  const maxPoints = Math.max(1, Math.floor(query.maxPoints ?? DEFAULT_MAX_POINTS));
  const bucketSec = Math.max(0.001, (query.toMs - query.fromMs) / 1000 / maxPoints);
  const from = new Date(query.fromMs);
  const to = new Date(query.toMs);
  const resolution =
    query.resolution === undefined || query.resolution === 'auto'
      ? chooseSeriesResolution({
          fromMs: query.fromMs,
          toMs: query.toMs,
          nowMs: query.nowMs ?? Date.now(),
          rawRetentionDays: query.rawRetentionDays ?? DEFAULT_RAW_RETENTION_DAYS,
        })
      : query.resolution;
  const points = resolution === 'raw' ? rawPoints(from, to) : rollupPoints(resolution, query.fromMs, to);

  // Buckets count from the start of the range, the point at exactly `to` joining the last one, so
  // there are never more than maxPoints. When the range holds few enough points the grouping key
  // is the point's own (unique) t, so the same statement returns the points or bucket averages,
  // each point weighing as many samples as it stands for; array_agg then turns rows into columns.
  const result = await sql<SeriesRow>`
    select h.name as host, s.point_count,
      coalesce(s.ts, '{}') as ts,
      ${sql.raw(METRICS.map((m) => `coalesce(s.${m}, '{}') as ${m}`).join(',\n      '))}
    from hosts h
    left join lateral (
      select max(b.n) as point_count,
        array_agg(b.t order by b.t) as ts,
        ${sql.raw(METRICS.map((m) => `array_agg(b.${m} order by b.t) as ${m}`).join(',\n        '))}
      from (
        select min(r.t) as t, max(r.n) as n,
          ${sql.raw(METRICS.map((m) => `sum(r.${m} * r.w) / nullif(sum(r.w) filter (where r.${m} is not null), 0) as ${m}`).join(',\n          '))}
        from (
          select p.*, count(*) over () as n from (${points}) p
        ) r
        group by case when r.n > cast(${maxPoints} as bigint)
          then least(floor((r.t - cast(${query.fromMs / 1000} as float8)) / cast(${bucketSec} as float8)), cast(${maxPoints - 1} as float8))
          else r.t end
      ) b
    ) s on true
    where h.name = ${query.host}
  `.execute(db);

  const row = result.rows[0];
  if (row === undefined) return null;
  const pointCount = Number(row.point_count ?? 0);
  const rollupSec = resolution === 'raw' ? null : ROLLUP_BUCKET_MS[resolution] / 1000;
  return {
    host: row.host,
    from: from.toISOString(),
    to: to.toISOString(),
    resolution,
    bucketSec: pointCount > maxPoints ? bucketSec : rollupSec,
    ts: row.ts.map(Number),
    cpuBusyPct: toNumbers(row.cpu_busy_pct),
    memUsedPct: toNumbers(row.mem_used_pct),
    load1: toNumbers(row.load1),
    netRxBytesPerSec: toNumbers(row.net_rx_bps),
    netTxBytesPerSec: toNumbers(row.net_tx_bps),
    diskUsedPctMax: toNumbers(row.disk_used_pct_max),
  };
}

/** Each raw sample in [from, to]: its time t in seconds, weight 1, and the metrics. */
function rawPoints(from: Date, to: Date): RawBuilder<unknown> {
  return sql`
    select extract(epoch from samples.ts)::float8 as t, 1::float8 as w,
      ${sql.raw(METRICS.map((m) => `samples.${m}::float8 as ${m}`).join(', '))}
    from samples
    where samples.host = h.name
      and samples.ts >= cast(${from.toISOString()} as timestamptz)
      and samples.ts <= cast(${to.toISOString()} as timestamptz)`;
}

/**
 * Each bucket starting in [from, to] with its average of each metric, weighted by its sample count.
 * Buckets the maintenance job has built come from the rollup table; the later ones, not rolled up
 * yet, are computed here from the raw samples, so a chart shows the last minutes too.
 */
function rollupPoints(resolution: RollupResolution, fromMs: number, to: Date): RawBuilder<unknown> {
  const first = new Date(bucketStart(resolution, fromMs)).toISOString();
  const width = resolution === '1m' ? '1 minute' : '1 hour';
  const rolledUntil = sql`coalesce((select rolled_until from rollup_progress where resolution = ${resolution}), '-infinity'::timestamptz)`;
  return sql`
    select extract(epoch from x.bucket)::float8 as t, x.sample_count::float8 as w,
      ${sql.raw(METRICS.map((m) => `x.${m}_avg as ${m}`).join(', '))}
    from ${sql.id(ROLLUP_TABLES[resolution])} x
    where x.host = h.name
      and x.bucket >= cast(${first} as timestamptz)
      and x.bucket <= cast(${to.toISOString()} as timestamptz)
      and x.bucket < ${rolledUntil}
    union all
    select extract(epoch from date_bin(${sql.lit(width)}::interval, samples.ts, timestamptz '1970-01-01 00:00:00+00'))::float8 as t,
      count(*)::float8 as w,
      ${sql.raw(METRICS.map((m) => `avg(samples.${m})::float8 as ${m}`).join(', '))}
    from samples
    where samples.host = h.name
      and samples.ts >= greatest(cast(${first} as timestamptz), ${rolledUntil})
      and samples.ts <= cast(${to.toISOString()} as timestamptz)
    group by 1`;
}

// Drivers differ in whether they parse float8[] elements; normalise so the JSON is always numbers.
function toNumbers(values: (number | string | null)[]): (number | null)[] {
  return values.map((v) => (v === null ? null : Number(v)));
}
