// Availability of one host or one service check over a period, from its outages (the times its
// host_down or check_failing alert fired: from the first failed poll to the first good one) and the
// maintenance windows that applied to it. As Zabbix's SLA and Checkmk's availability do, time in
// maintenance is left out of the period: an outage then neither counts against the subject nor,
// if it was planned, for it.

export interface OutageSpan {
  startedAt: number;
  /** null: still going on. */
  endedAt: number | null;
}

export interface AvailabilityPeriod {
  from: number;
  to: number;
  /** Open outages end here; nothing after it is counted. */
  now: number;
  /** The subject was first seen (a host's first inventory load); before it nothing is counted. */
  since: number;
  /** The subject left the inventory; null while it is in it. */
  until: number | null;
}

export interface Availability {
  /** The part of the period the subject existed, outside maintenance: the denominator. */
  countedMs: number;
  /** Down time within countedMs. */
  downMs: number;
  /** Time the subject existed but was in maintenance, left out. */
  maintenanceMs: number;
  /** Time outside maintenance when it could not be watched (its SSH bastion was down), left out too. */
  unmonitoredMs: number;
  /** Outages with down time in the period (overlapping outages of several rules merged). */
  outages: number;
  longestOutageMs: number;
  /** 1 - downMs / countedMs; null when nothing of the period is counted. */
  ratio: number | null;
  /** An outage is going on now. */
  down: boolean;
}

type Span = [number, number];

/**
 * `maintenance`: the spans the host's windows cover, sorted and not overlapping (maintenanceIntervals).
 * `unmonitored`: spans its state could not be known (any order; open ones end at `now`), left out as
 * maintenance is, and counted apart.
 */
export function computeAvailability(
  outages: readonly OutageSpan[], maintenance: readonly Span[], period: AvailabilityPeriod, unmonitored: readonly OutageSpan[] = [],
): Availability {
  const start = Math.max(period.from, period.since);
  const end = Math.min(period.to, period.now, period.until ?? Infinity);
  const existed: Span[] = end > start ? [[start, end]] : [];
  const outsideMaintenance = subtractSpans(existed, maintenance);
  const counted = subtractSpans(outsideMaintenance, outageSpans(unmonitored, period.now));
  const countedMs = totalMs(counted);
  const merged = outageSpans(outages, period.now);
  let downMs = 0;
  let count = 0;
  let longestOutageMs = 0;
  for (const outage of merged) {
    const down = totalMs(intersectSpans([outage], counted));
    if (down <= 0) continue;
    downMs += down;
    count++;
    longestOutageMs = Math.max(longestOutageMs, down);
  }
  return {
    countedMs,
    downMs,
    maintenanceMs: totalMs(existed) - totalMs(outsideMaintenance),
    unmonitoredMs: totalMs(outsideMaintenance) - countedMs,
    outages: count,
    longestOutageMs,
    ratio: countedMs > 0 ? 1 - downMs / countedMs : null,
    down: period.until === null && outages.some((o) => o.endedAt === null),
  };
}

/** Outages (or unmonitored times) as sorted spans, overlapping ones joined; an open one ends at `now`. */
export function outageSpans(outages: readonly OutageSpan[], now: number): Span[] {
  return mergeSpans(outages.map((o): Span => [o.startedAt, o.endedAt ?? now]));
}

/** Sorted, overlapping and touching spans joined; empty ones dropped. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const merged: Span[] = [];
  // New pairs: the caller's (a cached maintenance list) are never changed.
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

export function intersectSpans(left: readonly Span[], right: readonly Span[]): Span[] {
  const out: Span[] = [];
  for (const [a, b] of left) {
    for (const [c, d] of right) {
      const s = Math.max(a, c);
      const e = Math.min(b, d);
      if (e > s) out.push([s, e]);
    }
  }
  return out;
}

/** One span less the parts `cut` (sorted, not overlapping, as maintenanceIntervals gives them) covers. */
export function subtractSpans(spans: readonly Span[], cut: readonly Span[]): Span[] {
  const rest: Span[] = [];
  for (const [a, b] of spans) {
    let from = a;
    for (const [c, d] of cut) {
      if (d <= from) continue;
      if (c >= b) break;
      if (c > from) rest.push([from, c]);
      from = Math.max(from, d);
    }
    if (from < b) rest.push([from, b]);
  }
  return rest;
}

function totalMs(spans: readonly Span[]): number {
  let total = 0;
  for (const [a, b] of spans) total += b - a;
  return total;
}
