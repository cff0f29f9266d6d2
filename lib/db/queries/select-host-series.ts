// One host's metrics over a time range, in uPlot's columnar form: every chart of the host page
// from one call, all columns on one time axis. Short recent ranges read the raw samples; longer
// ones the 1-minute or 1-hour rollups (chooseSeriesResolution), so that no chart reads more than
// about ten thousand rows. Rows come through selectStoredRows, from their table or from the chunks
// compaction packed them into, and are turned into points and averaged into at most maxPoints
// buckets here: a chunk is decoded in JS, so the whole answer is built in one place, the same way
// whether or not its hours have been compacted.
import type { VigilDb } from '../database.ts';
import { selectStoredColumns } from '../chunks/select-stored-rows.ts';
import type { StoredColumns } from '../chunks/select-stored-rows.ts';
import type { JsonShape } from '../chunks/json-text-column.ts';
import { chooseSeriesResolution } from '../rollups/choose-series-resolution.ts';
import type { SeriesResolution } from '../rollups/choose-series-resolution.ts';
import { DEFAULT_RAW_RETENTION_DAYS } from '../rollups/apply-retention.ts';
import { SAMPLE_DEVICE_COLUMNS, forEachRollupDevice, forEachSampleDevice } from '../rollups/device-figures.ts';
import type { DeviceKind } from '../rollups/device-figures.ts';
import { ROLLUP_BUCKET_MS, ROLLUP_DETAIL_COLUMNS, ROLLUP_DETAIL_READERS, bucketStart, figure } from '../rollups/rollup-metrics.ts';
import type { RollupResolution, SampleFigureRow } from '../rollups/rollup-metrics.ts';
import { readRollupProgress } from '../rollups/rollup-progress.ts';
import { assembleDeviceSeries } from './host-device-series.ts';
import type { HostDeviceSeries } from './host-device-series.ts';
import { bucketSeriesPoints, emptySeriesPoints } from './series-buckets.ts';
import type { SeriesPoints } from './series-buckets.ts';

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
  /** The kernel's activity (/proc/stat): per second, and the tasks blocked on I/O at the poll. */
  contextSwitchesPerSec: Column;
  interruptsPerSec: Column;
  forksPerSec: Column;
  processesBlocked: Column;
}

interface Metric {
  /** The column's name in the answer. */
  key: keyof Omit<HostSeries, 'host' | 'from' | 'to' | 'resolution' | 'bucketSec' | 'ts' | keyof HostDeviceSeries>;
  /** Its value in a samples row (json columns parsed). */
  raw: (row: SampleFigureRow) => number | null;
  /** Its average's column in the rollup tables. */
  rollup: string;
  /** The samples column it is, for a headline figure. */
  column?: string;
}

const headline = (key: Metric['key'], column: string): Metric => ({ key, raw: (row) => figure(row[column]), rollup: `${column}_avg`, column });
const detail = (key: Metric['key'], name: keyof typeof ROLLUP_DETAIL_READERS): Metric => ({ key, raw: ROLLUP_DETAIL_READERS[name], rollup: `${name}_avg` });

/** The charted metrics, in the order of SeriesPoints.m. */
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
  detail('contextSwitchesPerSec', 'context_switches_per_sec'),
  detail('interruptsPerSec', 'interrupts_per_sec'),
  detail('forksPerSec', 'forks_per_sec'),
  detail('processesBlocked', 'processes_blocked'),
];

/** What the raw points are read from. */
const RAW_COLUMNS = [...METRICS.flatMap((metric) => (metric.column === undefined ? [] : [metric.column])), ...ROLLUP_DETAIL_COLUMNS, ...SAMPLE_DEVICE_COLUMNS];
const ROLLUP_COLUMNS = ['sample_count', ...METRICS.map((metric) => metric.rollup), 'devices'];

/** Resolves to null when the host is not known at all (as opposed to known but without samples). */
export async function selectHostSeries(db: VigilDb, query: HostSeriesQuery): Promise<HostSeries | null> {
  const known = await db.selectFrom('hosts').select('name').where('name', '=', query.host).executeTakeFirst();
  if (known === undefined) return null;
  const maxPoints = Math.max(1, Math.floor(query.maxPoints ?? DEFAULT_MAX_POINTS));
  const bucketSec = Math.max(0.001, (query.toMs - query.fromMs) / 1000 / maxPoints);
  const resolution =
    query.resolution === undefined || query.resolution === 'auto'
      ? chooseSeriesResolution({
          fromMs: query.fromMs,
          toMs: query.toMs,
          nowMs: query.nowMs ?? Date.now(),
          rawRetentionDays: query.rawRetentionDays ?? DEFAULT_RAW_RETENTION_DAYS,
        })
      : query.resolution;
  const points = resolution === 'raw' ? await rawPoints(db, query.host, query.fromMs, query.toMs) : await rollupPoints(db, query.host, resolution, query.fromMs, query.toMs);
  const pointCount = points.t.length;
  const buckets = bucketSeriesPoints(points, { fromSec: query.fromMs / 1000, bucketSec, maxPoints });
  const series = {
    host: known.name,
    from: new Date(query.fromMs).toISOString(),
    to: new Date(query.toMs).toISOString(),
    resolution,
    bucketSec: pointCount > maxPoints ? bucketSec : resolution === 'raw' ? null : ROLLUP_BUCKET_MS[resolution] / 1000,
    ts: buckets.ts,
  } as HostSeries;
  METRICS.forEach((metric, i) => {
    series[metric.key] = buckets.columns[i] ?? [];
  });
  return Object.assign(series, assembleDeviceSeries(buckets.devices, buckets.ts.length));
}

/** Adds one point; returns its index, for its device rows. */
function addPoint(points: SeriesPoints, t: number, w: number, value: (metric: Metric, i: number) => number | null): number {
  points.t.push(t);
  points.w.push(w);
  METRICS.forEach((metric, i) => points.m[i]?.push(value(metric, i)));
  return points.t.length - 1;
}

function addDevice(points: SeriesPoints, point: number, w: number, kind: DeviceKind, name: string, values: readonly (number | null)[]): void {
  points.devicePoint.push(point);
  points.deviceKind.push(kind);
  points.deviceName.push(name);
  points.deviceValues.forEach((column, v) => column.push(values[v] ?? null));
  points.deviceWeight.push(w);
}

/** Each raw sample in [from, to]: its time, weight 1, its metrics and devices. */
async function rawPoints(db: VigilDb, host: string, fromMs: number, toMs: number): Promise<SeriesPoints> {
  const points = emptySeriesPoints(METRICS.length);
  addSamples(points, await selectStoredColumns(db, 'raw', host, { fromMs, toMs }, { columns: RAW_COLUMNS, json: 'values' }), (at) => at / 1e6);
  return points;
}

/** Each sample as a point of weight 1 at time(at), with its devices. */
function addSamples(points: SeriesPoints, stored: StoredColumns, time: (atUs: number) => number): void {
  const row: Record<string, unknown> = {};
  const columns = [...stored.columns];
  stored.at.forEach((at, i) => {
    for (const [name, values] of columns) row[name] = values[i];
    const point = addPoint(points, time(at), 1, (metric) => metric.raw(row));
    forEachSampleDevice(row, (kind, name, values) => addDevice(points, point, 1, kind, name, values));
  });
}

/**
 * Each bucket starting in [from, to] with its average of each metric, weighted by its sample count.
 * Buckets the maintenance job has built come from the rollups (table or chunks); the later ones,
 * not rolled up yet, are averaged here from the raw samples, so a chart shows the last minutes too.
 */
async function rollupPoints(db: VigilDb, host: string, resolution: RollupResolution, fromMs: number, toMs: number): Promise<SeriesPoints> {
  const firstMs = bucketStart(resolution, fromMs);
  // One mark for both parts: a rollup the job writes meanwhile is either past it (ignored) or
  // before it (read from the raw samples here), never counted twice.
  const rolledUntil = (await readRollupProgress(db))[resolution] ?? -Infinity;
  const points = emptySeriesPoints(METRICS.length);
  if (rolledUntil > firstMs) {
    const range = rolledUntil > toMs ? { fromMs: firstMs, toMs } : { fromMs: firstMs, toMs: rolledUntil, toExclusive: true };
    // Devices as shapes: a week of minutes without a copy of each minute's device list.
    const stored = await selectStoredColumns(db, resolution, host, range, { columns: ROLLUP_COLUMNS, json: 'shapes' });
    // Column by column: a week of minutes is 10,080 rows.
    const weights = (stored.columns.get('sample_count') ?? []).map((count) => figure(count) ?? 0);
    const first = points.t.length;
    for (const at of stored.at) points.t.push(at / 1e6);
    points.w.push(...weights);
    METRICS.forEach((metric, m) => {
      const target = points.m[m] as (number | null)[];
      for (const value of stored.columns.get(metric.rollup) ?? []) target.push(figure(value));
    });
    (stored.columns.get('devices') ?? []).forEach((cell, i) => {
      if (cell === null || cell === undefined) return;
      const w = weights[i] ?? 0;
      const { value, resolve } = cell as JsonShape;
      forEachRollupDevice(value, (kind, name, values) => addDevice(points, first + i, w, kind, name, values), resolve);
    });
  }
  if (rolledUntil <= toMs) {
    const tail = await selectStoredColumns(db, 'raw', host, { fromMs: Math.max(firstMs, rolledUntil), toMs }, { columns: RAW_COLUMNS, json: 'values' });
    addRawTail(points, resolution, tail);
  }
  return points;
}

/** The raw samples' averages per bucket: each bucket weighs its samples, each device its samples that had it. */
function addRawTail(points: SeriesPoints, resolution: RollupResolution, tail: StoredColumns): void {
  // The samples as points at the start of their bucket: grouped by that time, averaged with weight 1.
  const samples = emptySeriesPoints(METRICS.length);
  addSamples(samples, tail, (at) => bucketStart(resolution, at / 1000) / 1000);
  const averaged = bucketSeriesPoints(samples, { fromSec: 0, bucketSec: 1, maxPoints: Infinity });
  const count = (key: string): number => counts.get(key) ?? 0;
  const counts = new Map<string, number>();
  const tally = (key: string): void => void counts.set(key, count(key) + 1);
  for (const t of samples.t) tally(String(t));
  samples.devicePoint.forEach((p, r) => tally(`${samples.t[p]}\u0000${samples.deviceKind[r]}\u0000${samples.deviceName[r]}`));
  const first = points.t.length;
  averaged.ts.forEach((t, b) => addPoint(points, t, count(String(t)), (_metric, m) => averaged.columns[m]?.[b] ?? null));
  for (const [b, kind, name, ...values] of averaged.devices) {
    const t = averaged.ts[b] as number;
    addDevice(points, first + b, count(`${t}\u0000${kind}\u0000${name}`), kind as DeviceKind, name, values.map(toFigure));
  }
}

function toFigure(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
