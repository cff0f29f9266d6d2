// One host's metrics over a time range, in uPlot's columnar form, built by the database: every
// chart of the host page from one statement, so that all columns share one time axis.
// Short recent ranges read the raw samples; longer ones the 1-minute or 1-hour rollups
// (chooseSeriesResolution), so that no chart reads more than about ten thousand rows.
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import type { VigilDb } from '../database.ts';
import { chooseSeriesResolution } from '../rollups/choose-series-resolution.ts';
import type { SeriesResolution } from '../rollups/choose-series-resolution.ts';
import { DEFAULT_RAW_RETENTION_DAYS } from '../rollups/apply-retention.ts';
import { rollupDeviceRowsSql, sampleDeviceRowsSql } from '../rollups/device-figures.ts';
import { ROLLUP_BUCKET_MS, ROLLUP_DETAIL_METRICS, ROLLUP_TABLES, bucketStart, cpuModesJoinSql } from '../rollups/rollup-metrics.ts';
import type { RollupResolution } from '../rollups/rollup-metrics.ts';
import { withoutJit } from '../without-jit.ts';
import { assembleDeviceSeries } from './host-device-series.ts';
import type { DeviceTuple, HostDeviceSeries } from './host-device-series.ts';

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

type Column = (number | null)[];

export interface HostSeries extends HostDeviceSeries {
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
  cpuBusyPct: Column;
  /** CPU time by mode, in percent of all CPUs' time (idle and guest left out: see CpuModes). */
  cpuUserPct: Column;
  cpuNicePct: Column;
  cpuSystemPct: Column;
  cpuIowaitPct: Column;
  cpuIrqPct: Column;
  cpuSoftirqPct: Column;
  cpuStealPct: Column;
  memUsedPct: Column;
  swapUsedPct: Column;
  load1: Column;
  load5: Column;
  load15: Column;
  /** load1 / cores. */
  loadPerCore: Column;
  netRxBytesPerSec: Column;
  netTxBytesPerSec: Column;
  diskUsedPctMax: Column;
  diskReadBytesPerSec: Column;
  diskWriteBytesPerSec: Column;
}

interface Metric {
  /** The column's name in the answer. */
  key: keyof Omit<HostSeries, 'host' | 'from' | 'to' | 'resolution' | 'bucketSec' | 'ts' | keyof HostDeviceSeries>;
  /** SQL over a `samples` row joined with cpuModesJoinSql. */
  raw: string;
  /** Its average's column in the rollup tables. */
  rollup: string;
}

const headline = (key: Metric['key'], column: string): Metric => ({ key, raw: column, rollup: `${column}_avg` });
const detail = (key: Metric['key'], name: keyof typeof ROLLUP_DETAIL_METRICS): Metric => ({ key, raw: ROLLUP_DETAIL_METRICS[name], rollup: `${name}_avg` });

/** The charted metrics. The SQL alias of each is m0, m1…: names from a constant list, never input. */
const METRICS: readonly Metric[] = [
  headline('cpuBusyPct', 'cpu_busy_pct'),
  detail('cpuUserPct', 'cpu_user_pct'),
  detail('cpuNicePct', 'cpu_nice_pct'),
  detail('cpuSystemPct', 'cpu_system_pct'),
  detail('cpuIowaitPct', 'cpu_iowait_pct'),
  detail('cpuIrqPct', 'cpu_irq_pct'),
  detail('cpuSoftirqPct', 'cpu_softirq_pct'),
  detail('cpuStealPct', 'cpu_steal_pct'),
  headline('memUsedPct', 'mem_used_pct'),
  detail('swapUsedPct', 'swap_used_pct'),
  headline('load1', 'load1'),
  detail('load5', 'load5'),
  detail('load15', 'load15'),
  detail('loadPerCore', 'load_per_core'),
  headline('netRxBytesPerSec', 'net_rx_bps'),
  headline('netTxBytesPerSec', 'net_tx_bps'),
  headline('diskUsedPctMax', 'disk_used_pct_max'),
  headline('diskReadBytesPerSec', 'disk_read_bps'),
  headline('diskWriteBytesPerSec', 'disk_write_bps'),
];

const alias = (i: number): string => `m${i}`;
const list = (f: (m: Metric, i: number) => string, separator = ',\n      '): RawBuilder<unknown> => sql.raw(METRICS.map(f).join(separator));

interface SeriesRow {
  host: string;
  point_count: number | string | null;
  ts: (number | string)[];
  /** m0, m1…: the metrics' columns, in METRICS order. */
  [metric: `m${number}`]: (number | string | null)[];
  /** One element per device and point, null when there are none: arrays are cheaper to build and parse than json. */
  device_point: (number | string)[] | null;
  device_kind: string[] | null;
  device_name: string[] | null;
  device_v1: (number | string | null)[] | null;
  device_v2: (number | string | null)[] | null;
  device_v3: (number | string | null)[] | null;
}

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
  const source = resolution === 'raw' ? rawSource(query.host, from, to) : rollupSource(query.host, resolution, query.fromMs, to);

  // Buckets count from the start of the range, the point at exactly `to` joining the last one and
  // a rollup bucket that starts before `from` the first one, so there are never more than maxPoints. When the range holds few enough points the grouping key
  // is the point's own (unique) t, so the same statement returns the points or bucket averages,
  // each point weighing as many samples as it stands for. Device rows get their key from the same
  // expression over the same t, and name their point by its index in the answer's ts.
  const key = (t: string): RawBuilder<unknown> => sql`case when n.n > cast(${maxPoints} as bigint)
      then least(greatest(floor((${sql.raw(t)} - cast(${query.fromMs / 1000} as float8)) / cast(${bucketSec} as float8)), 0), cast(${maxPoints - 1} as float8))
      else ${sql.raw(t)} end`;
  const weighted = (v: string, w: string): string => `sum(${v} * ${w}) / nullif(sum(${w}) filter (where ${v} is not null), 0)`;
  const statement = sql<SeriesRow>`
    with p as (${source.points}),
    d as (${source.devices}),
    n as (select count(*) as n from p),
    b as (
      select k, min(t) as t, ${list((_m, i) => `${weighted(`pk.${alias(i)}`, 'pk.w')} as ${alias(i)}`)}
      from (select p.*, ${key('p.t')} as k from p cross join n) pk
      group by k
    ),
    bi as (select b.*, (row_number() over (order by b.t) - 1)::integer as i from b),
    dg as (
      select dk.k, dk.kind, dk.name, ${sql.raw(['v1', 'v2', 'v3'].map((v) => `${weighted(`dk.${v}`, 'dk.w')} as ${v}`).join(', '))}
      from (select d.*, ${key('d.t')} as k from d cross join n) dk
      group by dk.k, dk.kind, dk.name
    )
    select h.name as host, (select n from n) as point_count,
      coalesce(c.ts, '{}') as ts,
      ${list((_m, i) => `coalesce(c.${alias(i)}, '{}') as ${alias(i)}`)},
      d.*
    from hosts h
    cross join (select array_agg(t order by t) as ts, ${list((_m, i) => `array_agg(${alias(i)} order by t) as ${alias(i)}`, ', ')} from bi) c
    cross join (
      select array_agg(bi.i) as device_point, array_agg(dg.kind) as device_kind, array_agg(dg.name) as device_name,
        array_agg(dg.v1) as device_v1, array_agg(dg.v2) as device_v2, array_agg(dg.v3) as device_v3
      from dg join bi on bi.k = dg.k
    ) d
    where h.name = ${query.host}
  `;
  const result = await withoutJit(db, (tx) => statement.execute(tx));

  const row = result.rows[0];
  if (row === undefined) return null;
  const pointCount = Number(row.point_count ?? 0);
  const rollupSec = resolution === 'raw' ? null : ROLLUP_BUCKET_MS[resolution] / 1000;
  const ts = row.ts.map(Number);
  const series = {
    host: row.host,
    from: from.toISOString(),
    to: to.toISOString(),
    resolution,
    bucketSec: pointCount > maxPoints ? bucketSec : rollupSec,
    ts,
  } as HostSeries;
  METRICS.forEach((metric, i) => {
    series[metric.key] = toNumbers(row[`m${i}`] ?? []);
  });
  const devices = (row.device_point ?? []).map(
    (point, j): DeviceTuple => [Number(point), row.device_kind?.[j] ?? '', row.device_name?.[j] ?? '', row.device_v1?.[j] ?? null, row.device_v2?.[j] ?? null, row.device_v3?.[j] ?? null],
  );
  return Object.assign(series, assembleDeviceSeries(devices, ts.length));
}

interface Source {
  /** Rows of (t seconds, w weight, m0…): one per point. */
  points: RawBuilder<unknown>;
  /** Rows of (t, w, kind, name, v1, v2, v3): one per device and point. */
  devices: RawBuilder<unknown>;
}

/** Each raw sample in [from, to]: its time t in seconds, weight 1, and the metrics. */
function rawSource(host: string, from: Date, to: Date): Source {
  const where = sql`s.host = ${host}
      and s.ts >= cast(${from.toISOString()} as timestamptz)
      and s.ts <= cast(${to.toISOString()} as timestamptz)`;
  return {
    points: sql`
      select extract(epoch from s.ts)::float8 as t, 1::float8 as w,
        ${list((m, i) => `(${m.raw})::float8 as ${alias(i)}`, ', ')}
      from samples s ${sql.raw(cpuModesJoinSql('s'))}
      where ${where}`,
    devices: sql`
      select extract(epoch from s.ts)::float8 as t, 1::float8 as w, dv.kind, dv.name, dv.v1, dv.v2, dv.v3
      from samples s cross join lateral ${sql.raw(sampleDeviceRowsSql('s'))} dv
      where ${where} and dv.name is not null`,
  };
}

/**
 * Each bucket starting in [from, to] with its average of each metric, weighted by its sample count.
 * Buckets the maintenance job has built come from the rollup table; the later ones, not rolled up
 * yet, are computed here from the raw samples, so a chart shows the last minutes too.
 */
function rollupSource(host: string, resolution: RollupResolution, fromMs: number, to: Date): Source {
  const first = new Date(bucketStart(resolution, fromMs)).toISOString();
  const width = resolution === '1m' ? '1 minute' : '1 hour';
  const table = sql.id(ROLLUP_TABLES[resolution]);
  const rolledUntil = sql`coalesce((select rolled_until from rollup_progress where resolution = ${resolution}), '-infinity'::timestamptz)`;
  const rolled = sql`x.host = ${host}
      and x.bucket >= cast(${first} as timestamptz)
      and x.bucket <= cast(${to.toISOString()} as timestamptz)
      and x.bucket < ${rolledUntil}`;
  const tail = sql`s.host = ${host}
      and s.ts >= greatest(cast(${first} as timestamptz), ${rolledUntil})
      and s.ts <= cast(${to.toISOString()} as timestamptz)`;
  const binned = sql`extract(epoch from date_bin(${sql.lit(width)}::interval, s.ts, timestamptz '1970-01-01 00:00:00+00'))::float8`;
  return {
    points: sql`
      select extract(epoch from x.bucket)::float8 as t, x.sample_count::float8 as w,
        ${list((m, i) => `x.${m.rollup} as ${alias(i)}`, ', ')}
      from ${table} x
      where ${rolled}
      union all
      select ${binned} as t, count(*)::float8 as w,
        ${list((m, i) => `avg(${m.raw})::float8 as ${alias(i)}`, ', ')}
      from samples s ${sql.raw(cpuModesJoinSql('s'))}
      where ${tail}
      group by 1`,
    devices: sql`
      select extract(epoch from x.bucket)::float8 as t, x.sample_count::float8 as w, dv.kind, dv.name, dv.v1, dv.v2, dv.v3
      from ${table} x cross join lateral ${sql.raw(rollupDeviceRowsSql('x'))} dv
      where ${rolled}
      union all
      select ${binned} as t, count(*)::float8 as w, dv.kind, dv.name, avg(dv.v1), avg(dv.v2), avg(dv.v3)
      from samples s cross join lateral ${sql.raw(sampleDeviceRowsSql('s'))} dv
      where ${tail} and dv.name is not null
      group by 1, 3, 4`,
  };
}

// Drivers differ in whether they parse float8[] elements; normalise so the JSON is always numbers.
function toNumbers(values: (number | string | null)[]): (number | null)[] {
  return values.map((v) => (v === null ? null : Number(v)));
}
