// What one vSphere poll yields: every hypervisor (HostSystem) and every VM the account can see,
// with usage as percentages. JSON-safe: figures that cannot be known are null, never NaN, so a
// powered-off VM or a disconnected host crosses the queue as it is.
import {
  propertyGuestDisks, propertyMoRef, propertyNumber, propertyString,
} from './parse-retrieve-result.ts';
import type { ObjectContent } from './parse-retrieve-result.ts';

export interface VsphereHypervisor {
  /** The managed object id ("host-21"): stable across renames, unique per vCenter. */
  id: string;
  name: string;
  /** runtime.powerState: poweredOn, poweredOff, standBy or unknown. */
  powerState: string;
  /** runtime.connectionState: connected, disconnected or notResponding. */
  connectionState: string;
  cpuCores: number | null;
  cpuMhzPerCore: number | null;
  cpuUsedMhz: number | null;
  /** cpuUsedMhz / (cpuCores × cpuMhzPerCore). */
  cpuPct: number | null;
  memoryTotalBytes: number | null;
  memoryUsedBytes: number | null;
  memoryPct: number | null;
  uptimeSec: number | null;
}

export interface VsphereVmDisk {
  path: string;
  capacityBytes: number | null;
  freeBytes: number | null;
  usedPct: number | null;
}

export interface VsphereVm {
  id: string;
  name: string;
  /** runtime.powerState: poweredOn, poweredOff or suspended. */
  powerState: string;
  /** The hypervisor running it: its name, and its id in `hypervisors`; null when vSphere does not say. */
  hypervisor: string | null;
  hypervisorId: string | null;
  /** guest.ipAddress, from VMware Tools; null without them. */
  guestIp: string | null;
  cpuCount: number | null;
  /** The VM's CPU ceiling (summary.runtime.maxCpuUsage): its vCPUs at the host's clock, or its limit. */
  cpuCapacityMhz: number | null;
  cpuUsedMhz: number | null;
  cpuPct: number | null;
  memoryTotalBytes: number | null;
  /** Guest memory actively used, as the hypervisor estimates it (summary.quickStats.guestMemoryUsage). */
  memoryUsedBytes: number | null;
  memoryPct: number | null;
  /** Seconds since the VM was powered on (summary.quickStats.uptimeSeconds); null when off or unknown. */
  uptimeSec: number | null;
  disks: VsphereVmDisk[];
}

export interface VsphereInventory {
  hypervisors: VsphereHypervisor[];
  vms: VsphereVm[];
}

/** The vim25 property paths each kind of object is asked for; the builders below read exactly these. */
export const HYPERVISOR_PROPERTIES = [
  'name',
  'runtime.powerState',
  'runtime.connectionState',
  'summary.quickStats.overallCpuUsage',
  'summary.hardware.cpuMhz',
  'summary.hardware.numCpuCores',
  'summary.quickStats.overallMemoryUsage',
  'summary.hardware.memorySize',
  'summary.quickStats.uptime',
] as const;

export const VM_PROPERTIES = [
  'name',
  'runtime.powerState',
  'guest.ipAddress',
  'summary.quickStats.overallCpuUsage',
  'config.hardware.numCPU',
  'summary.runtime.maxCpuUsage',
  'summary.quickStats.guestMemoryUsage',
  'config.hardware.memoryMB',
  'guest.disk',
  'runtime.host',
  'summary.quickStats.uptimeSeconds',
] as const;

const MIB = 1024 * 1024;

/** Hypervisors and VMs from the objects a container view returned, each sorted by name. */
export function inventoryFromObjects(objects: ObjectContent[]): VsphereInventory {
  const hypervisors = objects.filter((o) => o.obj.type === 'HostSystem').map(hypervisorFrom);
  const hostNames = new Map(hypervisors.map((h) => [h.id, h.name]));
  const vms = objects.filter((o) => o.obj.type === 'VirtualMachine').map((o) => vmFrom(o, hostNames));
  const byName = (a: { name: string; id: string }, b: { name: string; id: string }): number =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  return { hypervisors: hypervisors.sort(byName), vms: vms.sort(byName) };
}

function hypervisorFrom(host: ObjectContent): VsphereHypervisor {
  const powerState = propertyString(host, 'runtime.powerState') ?? 'unknown';
  const connectionState = propertyString(host, 'runtime.connectionState') ?? 'unknown';
  // A disconnected host's quick stats are the last ones vCenter saw, not its present state.
  const live = powerState === 'poweredOn' && connectionState === 'connected';
  const cpuCores = propertyNumber(host, 'summary.hardware.numCpuCores');
  const cpuMhzPerCore = propertyNumber(host, 'summary.hardware.cpuMhz');
  const cpuUsedMhz = live ? propertyNumber(host, 'summary.quickStats.overallCpuUsage') : null;
  const memoryTotalBytes = propertyNumber(host, 'summary.hardware.memorySize');
  const memoryUsedMb = live ? propertyNumber(host, 'summary.quickStats.overallMemoryUsage') : null;
  const memoryUsedBytes = memoryUsedMb === null ? null : memoryUsedMb * MIB;
  const cpuCapacityMhz = cpuCores === null || cpuMhzPerCore === null ? null : cpuCores * cpuMhzPerCore;
  return {
    id: host.obj.value,
    name: propertyString(host, 'name') ?? host.obj.value,
    powerState,
    connectionState,
    cpuCores,
    cpuMhzPerCore,
    cpuUsedMhz,
    cpuPct: percent(cpuUsedMhz, cpuCapacityMhz),
    memoryTotalBytes,
    memoryUsedBytes,
    memoryPct: percent(memoryUsedBytes, memoryTotalBytes),
    uptimeSec: live ? propertyNumber(host, 'summary.quickStats.uptime') : null,
  };
}

function vmFrom(vm: ObjectContent, hostNames: Map<string, string>): VsphereVm {
  const powerState = propertyString(vm, 'runtime.powerState') ?? 'unknown';
  // vCenter keeps the last quick stats of a VM that is off or suspended; they describe nothing now.
  const running = powerState === 'poweredOn';
  const cpuCapacityMhz = propertyNumber(vm, 'summary.runtime.maxCpuUsage');
  const cpuUsedMhz = running ? propertyNumber(vm, 'summary.quickStats.overallCpuUsage') : null;
  const memoryMb = propertyNumber(vm, 'config.hardware.memoryMB');
  const memoryTotalBytes = memoryMb === null ? null : memoryMb * MIB;
  const guestMemoryMb = running ? propertyNumber(vm, 'summary.quickStats.guestMemoryUsage') : null;
  const memoryUsedBytes = guestMemoryMb === null ? null : guestMemoryMb * MIB;
  const host = propertyMoRef(vm, 'runtime.host');
  const guestIp = running ? propertyString(vm, 'guest.ipAddress') : null;
  return {
    id: vm.obj.value,
    name: propertyString(vm, 'name') ?? vm.obj.value,
    powerState,
    hypervisor: host === null ? null : (hostNames.get(host.value) ?? null),
    hypervisorId: host?.value ?? null,
    guestIp: guestIp === '' ? null : guestIp,
    cpuCount: propertyNumber(vm, 'config.hardware.numCPU'),
    cpuCapacityMhz,
    cpuUsedMhz,
    cpuPct: percent(cpuUsedMhz, cpuCapacityMhz),
    memoryTotalBytes,
    memoryUsedBytes,
    memoryPct: percent(memoryUsedBytes, memoryTotalBytes),
    uptimeSec: running ? positiveOrNull(propertyNumber(vm, 'summary.quickStats.uptimeSeconds')) : null,
    disks: propertyGuestDisks(vm, 'guest.disk').map((disk) => ({
      path: disk.path,
      capacityBytes: disk.capacityBytes,
      freeBytes: disk.freeBytes,
      usedPct: disk.freeBytes === null ? null : percent(disk.capacityBytes === null ? null : disk.capacityBytes - disk.freeBytes, disk.capacityBytes),
    })),
  };
}

/**
 * vSphere reports 0 where it has no figure yet (quick stats lag a power-on by up to 20 s, and
 * govmomi's simulator never sets one): read as a boot "now", it would move the boot time at every poll.
 */
function positiveOrNull(value: number | null): number | null {
  return value !== null && value > 0 ? value : null;
}

/** part / whole in percent, rounded to 0.01; null when either is unknown or whole is not positive. */
function percent(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || !(whole > 0)) return null;
  return Math.round((part / whole) * 10000) / 100;
}
