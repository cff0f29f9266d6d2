// A service's counters as they grew between two heartbeats, for the heartbeat's info: `vigil
// status` reads rates from one snapshot of it (the scheduler's lost jobs, which it judges; the
// worker's jobs taken and expired, which it shows) without a time series.

/** Counts since the previous call, and the span they cover in seconds. */
export type RecentCounts<T extends { [K in keyof T]: number }> = T & { seconds: number };

/** Each call gives the growth since the previous one; the first, since the counter was made. */
export function createRecentCounter<T extends { [K in keyof T]: number }>(now: () => number = Date.now): (totals: T) => RecentCounts<T> {
  let previousAt = now();
  let previous: Partial<Record<string, number>> = {};
  return (totals) => {
    const at = now();
    const counts = totals as Record<string, number>;
    const keys = Object.keys(counts);
    // A counter below its previous value started again (a new scheduler took the lock): from zero.
    const restarted = keys.some((key) => counts[key]! < (previous[key] ?? 0));
    const recent: Record<string, number> = { seconds: Math.round((at - previousAt) / 100) / 10 };
    for (const key of keys) recent[key] = counts[key]! - (restarted ? 0 : (previous[key] ?? 0));
    previousAt = at;
    previous = { ...counts };
    return recent as RecentCounts<T>;
  };
}
