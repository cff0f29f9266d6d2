// What a report needs of each host's maintenance windows, computed once per distinct setting:
// most hosts share their group's windows, and walking 90 days of windows costs milliseconds where
// a lookup costs nothing. Keyed by the setting as stored, so a host whose setting was seen
// before is not even parsed again.
import { isInMaintenance, maintenanceIntervals, parseMaintenanceWindows, type MaintenanceWindow } from '../alerting/maintenance-windows.ts';

/** `compute` once per distinct vigil_maintenance as stored; invalid entries are left out, as the alerter leaves them out; no valid window gives `none`. */
function perSetting<T>(none: T, compute: (windows: MaintenanceWindow[]) => T): (maintenance: unknown) => T {
  const bySetting = new Map<string, T>();
  return (maintenance) => {
    if (maintenance === null || maintenance === undefined) return none;
    const key = JSON.stringify(maintenance);
    let value = bySetting.get(key);
    if (value === undefined) {
      const { windows } = parseMaintenanceWindows(maintenance);
      value = windows.length === 0 ? none : compute(windows);
      bySetting.set(key, value);
    }
    return value;
  };
}

export type MaintenanceSpansOf = (maintenance: unknown) => Array<[number, number]>;

/** The spans of [from, to) a host's windows cover: the availability report's. */
export function maintenanceSpansOf(from: number, to: number): MaintenanceSpansOf {
  return perSetting<Array<[number, number]>>([], (windows) => maintenanceIntervals(windows, from, to));
}

/** What the status page needs of a host's maintenance: the past period's spans, whether it is in a window now, the next window ahead. */
export interface MaintenanceFacts {
  spans: Array<[number, number]>;
  now: boolean;
  /** The next span starting within `aheadMs` of now, or the one under way (from now); null: none. */
  next: readonly [number, number] | null;
}

export function maintenanceFactsOf(from: number, at: number, aheadMs: number): (maintenance: unknown) => MaintenanceFacts {
  return perSetting<MaintenanceFacts>({ spans: [], now: false, next: null }, (windows) => {
    // A day more than announced, so that a window starting on the last day is not cut short.
    const next = maintenanceIntervals(windows, at, at + aheadMs + 86_400_000)[0];
    return { spans: maintenanceIntervals(windows, from, at), now: isInMaintenance(windows, at), next: next && next[0] < at + aheadMs ? next : null };
  });
}
