// A service's counters as they grew between two heartbeats, for the heartbeat's info: `vigil
// status` judges rates from one snapshot of it (the worker's jobs that expired unhandled, the
// scheduler's lost jobs) without a time series.

/** Counts since the previous call, and the span they cover in seconds. */
export type RecentCounts<T extends Record<string, number>> = T & { seconds: number };

/** Each call gives the growth since the previous one; the first, since the counter was made. */
export function createRecentCounter<T extends Record<string, number>>(now: () => number = Date.now): (totals: T) => RecentCounts<T> {
  let previousAt = now();
  let previous: Partial<Record<keyof T, number>> = {};
  return (totals) => {
    const at = now();
    // A counter below its previous value started again (a new scheduler took the lock): from zero.
    const restarted = Object.keys(totals).some((key) => totals[key]! < (previous[key] ?? 0));
    const recent: Record<string, number> = { seconds: Math.round((at - previousAt) / 100) / 10 };
    for (const key of Object.keys(totals)) recent[key] = totals[key]! - (restarted ? 0 : (previous[key] ?? 0));
    previousAt = at;
    previous = { ...totals };
    return recent as RecentCounts<T>;
  };
}
