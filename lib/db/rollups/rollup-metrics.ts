// The sample figures that get rolled up: the headline figures a chart shows (min, max and average),
// the chart detail (average only), and the per-device figures (average per device and bucket).
export const ROLLUP_METRICS = [
  'cpu_busy_pct',
  'mem_used_pct',
  'load1',
  'net_rx_bps',
  'net_tx_bps',
  'disk_used_pct_max',
  'disk_read_bps',
  'disk_write_bps',
] as const;

export type RollupMetric = (typeof ROLLUP_METRICS)[number];

/** Samples columns a chart draws as they are: their average is the figure, in SQL and in JS alike. */
const PLAIN_DETAIL_COLUMNS = [
  'load5', 'load15', 'load_per_core', 'context_switches_per_sec', 'interrupts_per_sec', 'forks_per_sec', 'processes_blocked',
] as const;

type PlainDetailColumn = (typeof PLAIN_DETAIL_COLUMNS)[number];

/**
 * Figures only the host page's charts draw, each with the SQL that reads it from a `samples` row
 * joined with cpuModesJoinSql. Only their average is kept: a chart draws averages, and min and max
 * of every CPU mode would double the width of a table that holds a row per host and minute.
 */
export const ROLLUP_DETAIL_METRICS = {
  cpu_user_pct: 'cm."user"',
  cpu_nice_pct: 'cm.nice',
  cpu_system_pct: 'cm.system',
  cpu_iowait_pct: 'cm.iowait',
  cpu_irq_pct: 'cm.irq',
  cpu_softirq_pct: 'cm.softirq',
  cpu_steal_pct: 'cm.steal',
  swap_used_pct: '100.0 * swap_used_bytes / nullif(swap_total_bytes, 0)',
  ...(Object.fromEntries(PLAIN_DETAIL_COLUMNS.map((column) => [column, column])) as Record<PlainDetailColumn, string>),
} as const;

/** The CPU modes of the samples row `s` as columns of `cm`, the json parsed once per row. */
export function cpuModesJoinSql(s: string): string {
  return `left join lateral json_to_record(${s}.cpu_modes)
      as cm("user" float8, nice float8, system float8, iowait float8, irq float8, softirq float8, steal float8) on true`;
}

export type RollupDetailMetric = keyof typeof ROLLUP_DETAIL_METRICS;

/** A samples row as JS reads it: columns by name, json columns parsed. */
export type SampleFigureRow = Readonly<Record<string, unknown>>;

/**
 * ROLLUP_DETAIL_METRICS again, computed in JS from a samples row (the chart reader's raw samples,
 * which may come from a chunk rather than the table): the same figures, keep the two in step.
 */
export const ROLLUP_DETAIL_READERS = {
  cpu_user_pct: (row) => figure(jsonField(row['cpu_modes'], 'user')),
  cpu_nice_pct: (row) => figure(jsonField(row['cpu_modes'], 'nice')),
  cpu_system_pct: (row) => figure(jsonField(row['cpu_modes'], 'system')),
  cpu_iowait_pct: (row) => figure(jsonField(row['cpu_modes'], 'iowait')),
  cpu_irq_pct: (row) => figure(jsonField(row['cpu_modes'], 'irq')),
  cpu_softirq_pct: (row) => figure(jsonField(row['cpu_modes'], 'softirq')),
  cpu_steal_pct: (row) => figure(jsonField(row['cpu_modes'], 'steal')),
  swap_used_pct: (row) => percentOf(figure(row['swap_used_bytes']), figure(row['swap_total_bytes'])),
  ...(Object.fromEntries(PLAIN_DETAIL_COLUMNS.map((column) => [column, (row: SampleFigureRow) => figure(row[column])])) as Record<PlainDetailColumn, (row: SampleFigureRow) => number | null>),
} as const satisfies Record<RollupDetailMetric, (row: SampleFigureRow) => number | null>;

/** The samples columns ROLLUP_DETAIL_READERS read. */
export const ROLLUP_DETAIL_COLUMNS = ['cpu_modes', 'swap_used_bytes', 'swap_total_bytes', ...PLAIN_DETAIL_COLUMNS] as const;

/** A stored figure: a number, or null for anything else (SQL NULL, an absent json field). */
export function figure(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

/** A field of a parsed json object, as json_to_record reads it: absent when the value is no object. */
export function jsonField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/** 100 · part / whole, null when either is unknown or the whole is 0 (SQL's nullif). */
export function percentOf(part: number | null, whole: number | null): number | null {
  return part === null || whole === null || whole === 0 ? null : (100 * part) / whole;
}

export const ROLLUP_DETAIL_METRIC_NAMES = Object.keys(ROLLUP_DETAIL_METRICS) as RollupDetailMetric[];

export type RollupResolution = '1m' | '1h';

export const ROLLUP_TABLES: Record<RollupResolution, 'samples_1m' | 'samples_1h'> = { '1m': 'samples_1m', '1h': 'samples_1h' };

export const ROLLUP_BUCKET_MS: Record<RollupResolution, number> = { '1m': 60_000, '1h': 3_600_000 };

/** The start of the bucket holding `ms`. Buckets are aligned on the Unix epoch, so on UTC hours. */
export function bucketStart(resolution: RollupResolution, ms: number): number {
  const width = ROLLUP_BUCKET_MS[resolution];
  return Math.floor(ms / width) * width;
}
