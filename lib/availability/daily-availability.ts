// Availability per UTC day, for the status page's bars: each of the last `days` days (today so far
// the last) as computeAvailability figures it, null for a day the subject did not exist.
import { computeAvailability, type OutageSpan } from './compute-availability.ts';

const DAY_MS = 86_400_000;

export interface DayAvailability {
  /** YYYY-MM-DD, UTC. */
  day: string;
  /** 0..1; null when nothing of the day was counted. */
  ratio: number | null;
  downMs: number;
}

export function dailyAvailability(
  outages: readonly OutageSpan[], maintenance: ReadonlyArray<[number, number]>, life: { since: number; until: number | null; now: number }, days: number,
): DayAvailability[] {
  const today = Math.floor(life.now / DAY_MS) * DAY_MS;
  const out: DayAvailability[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const from = today - i * DAY_MS;
    const figures = computeAvailability(outages, maintenance, { from, to: from + DAY_MS, ...life });
    out.push({ day: new Date(from).toISOString().slice(0, 10), ratio: figures.ratio, downMs: figures.downMs });
  }
  return out;
}
