// Per-device columns of a host's series: the database's long rows (point index, kind, name, v1, …)
// turned into one entry per device with arrays aligned to the series' ts. Lists, sorted by
// name, rather than objects keyed by name: a device may be called anything ("__proto__" included).
import { DEVICE_FIELDS, DEVICE_KINDS } from '../rollups/device-figures.ts';
import type { DeviceKind } from '../rollups/device-figures.ts';

type Column = (number | null)[];

/** [index into ts, kind, name, v1, …], as the series query returns them. */
export type DeviceTuple = [number, string, string, ...(number | string | null)[]];

export interface FilesystemSeries {
  /** The mount point. */
  name: string;
  usedPct: Column;
}

export interface InterfaceSeries {
  name: string;
  rxBytesPerSec: Column;
  txBytesPerSec: Column;
}

export interface DiskSeries {
  name: string;
  readBytesPerSec: Column;
  writeBytesPerSec: Column;
  busyPct: Column;
  /** Average ms per completed read (write); null where none completed, and before it was collected. */
  readLatencyMs: Column;
  writeLatencyMs: Column;
}

export interface GpuSeries {
  /** nvidia-smi's index; the model is in the host's detail. */
  name: string;
  utilizationPct: Column;
  memoryUsedPct: Column;
  temperatureC: Column;
}

export interface HostDeviceSeries {
  filesystems: FilesystemSeries[];
  interfaces: InterfaceSeries[];
  disks: DiskSeries[];
  gpus: GpuSeries[];
}

const LIST_OF: Record<DeviceKind, keyof HostDeviceSeries> = { fs: 'filesystems', net: 'interfaces', disk: 'disks', gpu: 'gpus' };

export function assembleDeviceSeries(tuples: readonly DeviceTuple[], pointCount: number): HostDeviceSeries {
  const byKind = new Map<DeviceKind, Map<string, Record<string, string | Column>>>(DEVICE_KINDS.map((kind) => [kind, new Map()]));
  for (const [index, kind, name, ...values] of tuples) {
    const devices = byKind.get(kind as DeviceKind);
    if (devices === undefined || index < 0 || index >= pointCount) continue;
    const fields = DEVICE_FIELDS[kind as DeviceKind];
    let device = devices.get(name);
    if (device === undefined) {
      device = { name };
      for (const field of fields) device[field] = new Array<number | null>(pointCount).fill(null);
      devices.set(name, device);
    }
    fields.forEach((field, f) => {
      const value = values[f];
      (device[field] as Column)[index] = value === null || value === undefined ? null : Number(value);
    });
  }
  const result = { filesystems: [], interfaces: [], disks: [], gpus: [] } as HostDeviceSeries;
  for (const kind of DEVICE_KINDS) {
    const devices = [...(byKind.get(kind)?.values() ?? [])].sort((a, b) => compareNames(String(a['name']), String(b['name'])));
    (result[LIST_OF[kind]] as unknown[]) = devices;
  }
  return result;
}

// Numeric-aware, so that eth10 comes after eth9 and GPU 10 after GPU 9.
function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
