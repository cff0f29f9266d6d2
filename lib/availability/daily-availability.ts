// Availability per UTC day, for the status page's bars: each of the last `days` days (today so far
// the last) as computeAvailability figures it, null for a day the subject did not exist or could
// not be watched at all. The counted and down spans are worked out once for the whole range and
// then spread over the days: one computeAvailability a day took a 3,334-host page 0.5 s.
import { intersectSpans, outageSpans, subtractSpans, type OutageSpan } from './compute-availability.ts';

const DAY_MS = 86_400_000;

export interface DayAvailability {
  /** YYYY-MM-DD, UTC. */
  day: string;
  /** 0..1; null when nothing of the day was counted. */
  ratio: number | null;
  downMs: number;
}

type Span = [number, number];

export function dailyAvailability(
  outages: readonly OutageSpan[], maintenance: ReadonlyArray<Span>, life: { since: number; until: number | null; now: number }, days: number,
  unmonitored: readonly OutageSpan[] = [],
): DayAvailability[] {
  const first = Math.floor(life.now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
  const from = Math.max(first, life.since);
  const to = Math.min(life.now, life.until ?? Infinity);
  // As computeAvailability: time in maintenance, and time the subject could not be watched, left out.
  const outsideMaintenance = to > from ? subtractSpans([[from, to]], maintenance) : [];
  const counted = subtractSpans(outsideMaintenance, outageSpans(unmonitored, life.now));
  const down = intersectSpans(outageSpans(outages, life.now), counted);
  const countedByDay = spreadOverDays(counted, first, days);
  const downByDay = spreadOverDays(down, first, days);
  return countedByDay.map((countedMs, i) => {
    const downMs = downByDay[i] ?? 0;
    return { day: new Date(first + i * DAY_MS).toISOString().slice(0, 10), ratio: countedMs > 0 ? 1 - downMs / countedMs : null, downMs };
  });
}

/** Milliseconds of the spans that fall in each day from `first`. */
function spreadOverDays(spans: readonly Span[], first: number, days: number): number[] {
  const totals = new Array<number>(days).fill(0);
  for (const [a, b] of spans) {
    for (let day = Math.max(0, Math.floor((a - first) / DAY_MS)); day < days; day++) {
      const dayFrom = first + day * DAY_MS;
      if (dayFrom >= b) break;
      totals[day] = (totals[day] ?? 0) + Math.min(b, dayFrom + DAY_MS) - Math.max(a, dayFrom);
    }
  }
  return totals;
}
