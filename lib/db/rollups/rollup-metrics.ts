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

/**
 * Figures only the host page's charts draw, each with the SQL that reads it from a `samples` row.
 * Only their average is kept: a chart draws averages, and min and max of every CPU mode would
 * double the width of a table that holds a row per host and minute for a year.
 */
export const ROLLUP_DETAIL_METRICS = {
  cpu_user_pct: `(cpu_modes->>'user')::float8`,
  cpu_nice_pct: `(cpu_modes->>'nice')::float8`,
  cpu_system_pct: `(cpu_modes->>'system')::float8`,
  cpu_iowait_pct: `(cpu_modes->>'iowait')::float8`,
  cpu_irq_pct: `(cpu_modes->>'irq')::float8`,
  cpu_softirq_pct: `(cpu_modes->>'softirq')::float8`,
  cpu_steal_pct: `(cpu_modes->>'steal')::float8`,
  swap_used_pct: `100.0 * swap_used_bytes / nullif(swap_total_bytes, 0)`,
  load5: `load5`,
  load15: `load15`,
  load_per_core: `load_per_core`,
} as const;

export type RollupDetailMetric = keyof typeof ROLLUP_DETAIL_METRICS;

export const ROLLUP_DETAIL_METRIC_NAMES = Object.keys(ROLLUP_DETAIL_METRICS) as RollupDetailMetric[];

export type RollupResolution = '1m' | '1h';

export const ROLLUP_TABLES: Record<RollupResolution, 'samples_1m' | 'samples_1h'> = { '1m': 'samples_1m', '1h': 'samples_1h' };

export const ROLLUP_BUCKET_MS: Record<RollupResolution, number> = { '1m': 60_000, '1h': 3_600_000 };

/** The start of the bucket holding `ms`. Buckets are aligned on the Unix epoch, so on UTC hours. */
export function bucketStart(resolution: RollupResolution, ms: number): number {
  const width = ROLLUP_BUCKET_MS[resolution];
  return Math.floor(ms / width) * width;
}
