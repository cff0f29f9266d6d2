// The maintenance spans of a period for each host of a report, computed once per distinct
// setting: most hosts share their group's windows, and walking 90 days of windows costs
// milliseconds where a lookup costs nothing.
import { maintenanceIntervals, parseMaintenanceWindows } from '../alerting/maintenance-windows.ts';

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
