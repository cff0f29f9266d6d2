// Up to when history may move into chunks: the rollup job (services/writer/maintenance.ts) rolls
// the minutes up again from `lateMs` before its 1-minute mark, and an hour's minutes and samples
// again up to an hour before its 1-hour mark; older samples and minutes it never reads again.
import { bucketStart } from '../rollups/rollup-metrics.ts';
import type { RollupProgress } from '../rollups/rollup-progress.ts';

const HOUR_MS = 3_600_000;

/** Epoch milliseconds, on an hour; null while either rollup has not started. */
export function compactionHorizon(progress: RollupProgress, lateMs: number): number | null {
  if (progress['1m'] === null || progress['1h'] === null) return null;
  return bucketStart('1h', Math.min(progress['1m'] - lateMs, progress['1h'] - HOUR_MS));
}
