// A vSphere poll (lib/vsphere/poll-vsphere.ts's inventory) in the pipeline's shape: one Sample
// for the inventory host itself (the vCenter or ESXi endpoint) and one PollChild per hypervisor
// and VM, each named `<inventory host>/<name>`, so that the writer stores them as hosts of their
// own under their parent and the evaluator's default rules (cpu_busy, memory_used,
// filesystem_used…) apply to a VM as to any host. Pure: the poller (services/worker/vsphere-poller.ts)
// does the I/O.
import { bootTime } from '../collect/boot-time.ts';
import { emptySample } from '../collect/empty-sample.ts';
import type { FilesystemUsage, HostFacts, Sample } from '../collect/sample.ts';
import type { PollChild } from '../poll/poll-messages.ts';
import type { VsphereHypervisor, VsphereInventory, VsphereVm } from './vsphere-inventory.ts';

export interface VsphereSamples {
  sample: Sample;
  children: PollChild[];
}

/** The name of a hypervisor's or VM's entry: the inventory host's name, a slash, its vSphere name. */
export function childEntryName(parent: string, name: string): string {
  return `${parent}/${name}`;
}

/**
 * `about` is the server's about.fullName ("VMware vCenter Server 8.0.2 build-…"). The parent's
 * figures are the sum over its connected hypervisors (cores, MHz, memory): the capacity of the
 * whole estate in one line, what a cluster view shows. vSphere reports no uptime for vCenter
 * itself, so the parent's uptime is null rather than a borrowed hypervisor's.
 */
export function vsphereSamples(host: string, ts: number, about: string, inventory: VsphereInventory): VsphereSamples {
  const children: PollChild[] = [
    ...inventory.hypervisors.map((hypervisor) => hypervisorChild(host, ts, hypervisor)),
    ...inventory.vms.map((vm) => vmChild(host, ts, vm)),
  ];
  let cpuCount = 0;
  let capacityMhz = 0;
  let usedMhz = 0;
  let memTotal = 0;
  let memUsed = 0;
  let live = 0;
  for (const h of inventory.hypervisors) {
    if (h.cpuUsedMhz === null || h.cpuCores === null || h.cpuMhzPerCore === null || h.memoryUsedBytes === null || h.memoryTotalBytes === null) continue;
    live++;
    cpuCount += h.cpuCores;
    capacityMhz += h.cpuCores * h.cpuMhzPerCore;
    usedMhz += h.cpuUsedMhz;
    memTotal += h.memoryTotalBytes;
    memUsed += h.memoryUsedBytes;
  }
  const sample: Sample = {
    ...emptySample(host, ts),
    cpuBusyPct: live > 0 ? percent(usedMhz, capacityMhz) : null,
    cpuCount: live > 0 ? cpuCount : null,
    memTotalBytes: live > 0 ? memTotal : null,
    memAvailableBytes: live > 0 ? memTotal - memUsed : null,
    memUsedPct: live > 0 ? percent(memUsed, memTotal) : null,
    facts: facts(host, about),
    source: 'vsphere',
  };
  return { sample, children };
}

function hypervisorChild(parent: string, ts: number, h: VsphereHypervisor): PollChild {
  const name = childEntryName(parent, h.name);
  const running = h.powerState === 'poweredOn' && h.connectionState === 'connected';
  const sample: Sample = {
    ...emptySample(name, ts),
    cpuBusyPct: h.cpuPct,
    cpuCount: h.cpuCores,
    ...memory(h.memoryTotalBytes, h.memoryUsedBytes, h.memoryPct),
    uptimeSec: h.uptimeSec,
    bootTime: bootTime(ts, h.uptimeSec),
    facts: facts(h.name, 'VMware ESXi'),
    source: 'vsphere',
  };
  return {
    sample,
    kind: 'hypervisor',
    powerState: h.powerState,
    runsOn: null,
    address: null,
    ...(!running && {
      down: h.connectionState !== 'connected'
        ? { reason: h.connectionState, message: `vSphere reports hypervisor ${h.name} ${h.connectionState}` }
        : { reason: h.powerState, message: `vSphere reports hypervisor ${h.name} ${h.powerState}` },
    }),
  };
}

function vmChild(parent: string, ts: number, vm: VsphereVm): PollChild {
  const name = childEntryName(parent, vm.name);
  const filesystems = vm.disks.flatMap((disk): FilesystemUsage[] => {
    if (disk.capacityBytes === null || disk.freeBytes === null || disk.usedPct === null) return [];
    // The guest's own view of its volume (VMware Tools): the path is the mount point, no device.
    return [{ mount: disk.path, device: '', fsType: null, sizeBytes: disk.capacityBytes, usedBytes: disk.capacityBytes - disk.freeBytes, availableBytes: disk.freeBytes, usedPct: disk.usedPct }];
  });
  const sample: Sample = {
    ...emptySample(name, ts),
    cpuBusyPct: vm.cpuPct,
    cpuCount: vm.cpuCount,
    ...memory(vm.memoryTotalBytes, vm.memoryUsedBytes, vm.memoryPct),
    uptimeSec: vm.uptimeSec,
    bootTime: bootTime(ts, vm.uptimeSec),
    diskUsedPctMax: filesystems.length > 0 ? Math.max(...filesystems.map((fs) => fs.usedPct)) : null,
    filesystems,
    facts: facts(vm.name, 'VMware virtual machine'),
    source: 'vsphere',
  };
  const off = vm.powerState === 'poweredOff' || vm.powerState === 'suspended';
  return {
    sample,
    kind: 'vm',
    powerState: vm.powerState,
    runsOn: vm.hypervisor === null ? null : childEntryName(parent, vm.hypervisor),
    address: vm.guestIp,
    ...(off && { down: { reason: vm.powerState === 'suspended' ? 'suspended' : 'powered-off', message: `vSphere reports VM ${vm.name} ${vm.powerState}` } }),
  };
}

function memory(total: number | null, used: number | null, pct: number | null): Pick<Sample, 'memTotalBytes' | 'memAvailableBytes' | 'memUsedPct'> {
  return { memTotalBytes: total, memAvailableBytes: total === null || used === null ? null : total - used, memUsedPct: pct };
}

function facts(hostname: string, osName: string): HostFacts {
  return { hostname, kernel: null, osName, osVersion: null, cpuModel: null, architecture: null };
}



function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10000) / 100 : null;
}
