// The maintenance spans of a period for each host of a report, computed once per distinct
// setting: most hosts share their group's windows, and walking 90 days of windows costs
// milliseconds where a lookup costs nothing.
import { isInMaintenance, maintenanceIntervals, parseMaintenanceWindows } from '../alerting/maintenance-windows.ts';

export type MaintenanceSpansOf = (maintenance: unknown) => Array<[number, number]>;

/** `maintenance` is a host's vigil_maintenance as stored; invalid entries are left out, as the alerter leaves them out. */
export function maintenanceSpansOf(from: number, to: number): MaintenanceSpansOf {
  const bySetting = new Map<string, Array<[number, number]>>();
  return (maintenance) => {
    const { windows } = parseMaintenanceWindows(maintenance);
    if (windows.length === 0) return [];
    const key = JSON.stringify(windows);
    let spans = bySetting.get(key);
    if (!spans) bySetting.set(key, (spans = maintenanceIntervals(windows, from, to)));
    return spans;
  };
}

/** What the status page needs of a host's maintenance: the past period's spans, whether it is in a window now, the next window ahead. */
export interface MaintenanceFacts {
  spans: Array<[number, number]>;
  now: boolean;
  /** The next span starting within `aheadMs` of now, or the one under way (from now); null: none. */
  next: readonly [number, number] | null;
}

const NO_MAINTENANCE: MaintenanceFacts = { spans: [], now: false, next: null };

/**
 * maintenanceSpansOf for the status page, per distinct setting as written: each host's setting is
 * parsed and walked once per build, however many of its figures the page shows.
 */
export function maintenanceFactsOf(from: number, at: number, aheadMs: number): (maintenance: unknown) => MaintenanceFacts {
  const bySetting = new Map<string, MaintenanceFacts>();
  return (maintenance) => {
    if (maintenance === null || maintenance === undefined) return NO_MAINTENANCE;
    const key = JSON.stringify(maintenance);
    let facts = bySetting.get(key);
    if (!facts) {
      const { windows } = parseMaintenanceWindows(maintenance);
      // A day more than announced, so that a window starting on the last day is not cut short.
      const next = windows.length === 0 ? undefined : maintenanceIntervals(windows, at, at + aheadMs + 86_400_000)[0];
      facts = windows.length === 0 ? NO_MAINTENANCE : {
        spans: maintenanceIntervals(windows, from, at),
        now: isInMaintenance(windows, at),
        next: next && next[0] < at + aheadMs ? next : null,
      };
      bySetting.set(key, facts);
    }
    return facts;
  };
}
