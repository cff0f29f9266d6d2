// The sample columns that get rolled up: the headline figures a chart shows.
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

export type RollupResolution = '1m' | '1h';

export const ROLLUP_TABLES: Record<RollupResolution, 'samples_1m' | 'samples_1h'> = { '1m': 'samples_1m', '1h': 'samples_1h' };

export const ROLLUP_BUCKET_MS: Record<RollupResolution, number> = { '1m': 60_000, '1h': 3_600_000 };

/** The start of the bucket holding `ms`. Buckets are aligned on the Unix epoch, so on UTC hours. */
export function bucketStart(resolution: RollupResolution, ms: number): number {
  const width = ROLLUP_BUCKET_MS[resolution];
  return Math.floor(ms / width) * width;
}
