// Pages per day from two polls' page counters. prtMarkerLifeCount counts since manufacture and is
// kept across power cycles, so a counter that went down was reset (a new formatter board): no rate.
import { counterDelta } from './counter-delta.ts';

export interface PageCountReading {
  pageCount: number | null;
  /** When the poll ran, in milliseconds since the epoch. */
  polledAt: number;
}

const DAY_MS = 86_400_000;

export function pagesPerDay(previous: PageCountReading, current: PageCountReading): number | null {
  const elapsedMs = current.polledAt - previous.polledAt;
  if (!(elapsedMs > 0)) return null;
  // 64: the counter never wraps in a printer's life, so going down is a reset, not a wrap.
  const pages = counterDelta(previous.pageCount, current.pageCount, 64);
  return pages === null ? null : Math.round((pages * DAY_MS / elapsedMs) * 10) / 10;
}
