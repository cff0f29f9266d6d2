// Which stored resolution a chart of a time range reads. The aim is a few thousand rows at most
// for any range, so that a chart answers in tens of milliseconds whatever its span:
//   raw samples  up to 6 hours (2,160 rows at a 10 s interval), and only while the range lies
//                within raw retention;
//   1-minute     up to 8 days (11,520 rows), and for shorter ranges past raw retention;
//   1-hour       beyond (90 days: 2,160 rows; the longest range, 400 days: 9,600).
// A day of raw samples is 8,640 rows scattered over as many heap pages (a writer stores all hosts'
// samples interleaved): bench/queries.ts measured its p95 at 174 ms against 50 ms wanted, while a
// chart at most ~2,000 pixels wide shows no more from them than from the day's 1,440 minutes.
import type { RollupResolution } from './rollup-metrics.ts';

export type SeriesResolution = 'raw' | RollupResolution;

export const RAW_MAX_SPAN_MS = 6 * 3_600_000;
export const MINUTE_MAX_SPAN_MS = 8 * 86_400_000;

export interface SeriesRange {
  fromMs: number;
  toMs: number;
  nowMs: number;
  rawRetentionDays: number;
}

export function chooseSeriesResolution(range: SeriesRange): SeriesResolution {
  const span = range.toMs - range.fromMs;
  const rawKeptFrom = range.nowMs - range.rawRetentionDays * 86_400_000;
  if (span <= RAW_MAX_SPAN_MS && range.fromMs >= rawKeptFrom) return 'raw';
  if (span <= MINUTE_MAX_SPAN_MS) return '1m';
  return '1h';
}
