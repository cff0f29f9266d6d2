// Live updates without refetching the range: the points newer than the last one shown are
// fetched alone (`from` just after it) and appended; points that scrolled out of the range go.
import type { HostSeries } from '../../lib/db/queries/select-host-series.ts';

type Column = (number | null)[];
type DeviceList = { name: string }[];

const DEVICE_LISTS = ['filesystems', 'interfaces', 'disks', 'gpus'] as const;
const NOT_COLUMNS = new Set<string>(['host', 'from', 'to', 'resolution', 'bucketSec', 'ts', ...DEVICE_LISTS]);

/**
 * `older` followed by the points of `newer` later than its last one. Devices present in only one
 * of them get nulls for the other's points, so every column stays aligned with ts.
 */
export function appendSeries(older: HostSeries, newer: HostSeries): HostSeries {
  const last = older.ts[older.ts.length - 1] ?? -Infinity;
  const start = newer.ts.findIndex((t) => t > last);
  if (start === -1) return older;
  const slice = (column: Column | undefined, length: number, from = 0): Column => (column === undefined ? new Array<number | null>(length).fill(null) : column.slice(from));
  const added = newer.ts.length - start;
  const result: Record<string, unknown> = { ...older, to: newer.to, ts: older.ts.concat(newer.ts.slice(start)) };
  for (const [key, value] of Object.entries(older)) {
    if (NOT_COLUMNS.has(key) || !Array.isArray(value)) continue;
    result[key] = (value as Column).concat(slice((newer as unknown as Record<string, Column>)[key], added, start));
  }
  for (const list of DEVICE_LISTS) {
    result[list] = mergeDevices<{ name: string }>(older[list], newer[list], older.ts.length, added, start);
  }
  return result as unknown as HostSeries;
}

/** The points at or after minTsSec (Unix seconds). */
export function dropBefore(series: HostSeries, minTsSec: number): HostSeries {
  const start = series.ts.findIndex((t) => t >= minTsSec);
  if (start === 0) return series;
  const from = start === -1 ? series.ts.length : start;
  const result: Record<string, unknown> = { ...series, ts: series.ts.slice(from) };
  for (const [key, value] of Object.entries(series)) {
    if (NOT_COLUMNS.has(key) || !Array.isArray(value)) continue;
    result[key] = (value as Column).slice(from);
  }
  for (const list of DEVICE_LISTS) {
    result[list] = (series[list] as DeviceList).map((device) => mapColumns(device, (column) => column.slice(from)));
  }
  return result as unknown as HostSeries;
}

function mergeDevices<T extends { name: string }>(older: readonly T[], newer: readonly T[], olderLength: number, added: number, start: number): T[] {
  const byName = new Map<string, T>();
  for (const device of older) byName.set(device.name, mapColumns(device, (column) => column.concat(new Array<number | null>(added).fill(null))));
  for (const device of newer) {
    const existing = byName.get(device.name);
    const base = existing ?? mapColumns(device, () => new Array<number | null>(olderLength + added).fill(null));
    byName.set(
      device.name,
      mapColumns(base, (column, key) => {
        const fresh = (device as unknown as Record<string, Column>)[key]?.slice(start) ?? [];
        return column.slice(0, olderLength).concat(fresh);
      }),
    );
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

function mapColumns<T extends { name: string }>(device: T, f: (column: Column, key: string) => Column): T {
  const copy: Record<string, unknown> = { name: device.name };
  for (const [key, value] of Object.entries(device)) {
    if (key !== 'name' && Array.isArray(value)) copy[key] = f(value as Column, key);
  }
  return copy as T;
}
