// A libvirt host's guests (lib/checks/libvirt-script.ts's report) in the pipeline's shape: one
// PollChild per domain, named `<host>/<domain>`, running on the host, so that the writer stores each
// as an entry of its own under the host and the default rules (cpu_busy, memory_used…) apply to a
// VM as to any host. Rates need the previous poll's counters of the same run of the same domain:
// the caller keeps what this returns and hands it back next time. Pure.
import type { DomainState } from '../collect/parse-virsh-domstats.ts';
import { virshStateText } from '../collect/parse-virsh-list.ts';
import { emptySample } from '../collect/empty-sample.ts';
import { roundPercent } from '../collect/round-percent.ts';
import type { InterfaceRate, Sample } from '../collect/sample.ts';
import type { VirtualMachine } from '../checks/libvirt-script.ts';
import type { PollChild } from '../poll/poll-messages.ts';
import { childEntryName } from '../vsphere/vsphere-sample.ts';

/** One domain's counters at one poll: the base of the next poll's rates. */
export interface DomainCounters {
  /** libvirt's domain id: a new one is a new run of the domain (its counters started again). */
  id: number;
  /** Worker clock, ms, when virsh's output arrived. */
  at: number;
  cpuTimeNs: number | null;
  disks: Record<string, { readBytes: number | null; writeBytes: number | null }>;
  interfaces: Record<string, { rxBytes: number | null; txBytes: number | null }>;
}

export interface LibvirtGuestSamples {
  children: PollChild[];
  /** Running domains' counters, by domain name, for the next poll. */
  counters: Map<string, DomainCounters>;
  /** Domains left out: a name no entry can carry, or past MAX_GUESTS. */
  skipped: number;
}

/** A hypervisor runs tens of VMs, a big one a few hundred; more is a lying virsh, not more entries. */
export const MAX_GUESTS = 1000;
/** The longest host name the API takes (its path parameter). */
const MAX_ENTRY_NAME = 255;

/**
 * Down for a reason, as a powered-off vSphere VM is: the parent answered for it, so it is no failed
 * poll and host_down stays quiet for a VM stopped on purpose, while the overview does not show it up.
 * Running, idle (blocked) and shutting-down domains are up; so is nostate, which says nothing.
 */
const DOWN_REASONS: Partial<Record<DomainState, string>> = {
  shutoff: 'powered-off',
  paused: 'paused',
  pmsuspended: 'suspended',
  crashed: 'crashed',
};

/**
 * `ts` is the parent sample's time (every child's sample carries it); `measuredAt` when virsh's
 * output arrived, the clock of the rates. `driver` is the URI's scheme (qemu, xen, test), named in
 * the guests' facts.
 */
export function libvirtGuestSamples(
  parent: string, ts: number, measuredAt: number, vms: readonly VirtualMachine[],
  previous: ReadonlyMap<string, DomainCounters>, driver: string,
): LibvirtGuestSamples {
  const children: PollChild[] = [];
  const counters = new Map<string, DomainCounters>();
  let skipped = 0;
  for (const vm of vms) {
    const name = childEntryName(parent, vm.name);
    if (children.length >= MAX_GUESTS || !isEntryName(name)) {
      skipped++;
      continue;
    }
    const now = vm.id === null ? null : countersOf(vm, vm.id, measuredAt);
    if (now !== null) counters.set(vm.name, now);
    const before = previous.get(vm.name);
    // Only across one run of the domain: a restart gives it a new id and counters from zero.
    const base = now !== null && before !== undefined && before.id === now.id && now.at > before.at ? before : null;
    children.push(guestChild(parent, name, ts, vm, driver, now, base));
  }
  return { children, counters, skipped };
}

/** The URI's driver, for the facts: `qemu+ssh://…` → qemu. */
export function libvirtDriver(uri: string): string {
  return /^([a-z][a-z0-9]*)/.exec(uri)?.[1] ?? 'libvirt';
}

function guestChild(
  parent: string, name: string, ts: number, vm: VirtualMachine, driver: string, now: DomainCounters | null, base: DomainCounters | null,
): PollChild {
  const seconds = now !== null && base !== null ? (now.at - base.at) / 1000 : null;
  const vcpus = positive(vm.vcpuCurrent) ?? positive(vm.vcpuMaximum);
  const cpuNs = delta(now?.cpuTimeNs ?? null, base?.cpuTimeNs ?? null);
  // cpu.time includes QEMU's own threads, so a busy guest can read a little over 100 %.
  const cpuBusyPct = cpuNs === null || seconds === null || vcpus === null ? null : roundPercent(Math.min(100, (cpuNs / (seconds * 1e9 * vcpus)) * 100));
  const interfaces = seconds === null || now === null || base === null ? [] : interfaceRates(now, base, seconds);
  const disks = seconds === null || now === null || base === null ? null : diskRates(now, base, seconds);
  const state = vm.state;
  const downReason = state === null ? undefined : DOWN_REASONS[state];
  const powerState = state === null ? 'unknown' : virshStateText(state);
  const sample: Sample = {
    ...emptySample(name, ts),
    cpuBusyPct,
    cpuCount: vcpus,
    ...guestMemory(vm),
    // Totals in whole bytes per second, as buildSample's; per NIC as measured (the writer rounds them).
    netRxBytesPerSec: interfaces.length === 0 ? null : Math.round(interfaces.reduce((total, nic) => total + nic.rxBytesPerSec, 0)),
    netTxBytesPerSec: interfaces.length === 0 ? null : Math.round(interfaces.reduce((total, nic) => total + nic.txBytesPerSec, 0)),
    diskReadBytesPerSec: disks === null ? null : Math.round(disks.read),
    diskWriteBytesPerSec: disks === null ? null : Math.round(disks.write),
    // Image sizes are not the guest's filesystems (emptySample's []): those only the guest knows.
    interfaces,
    facts: { hostname: vm.name, kernel: null, osName: driver === 'qemu' ? 'KVM/QEMU virtual machine' : `libvirt ${driver} virtual machine`, osVersion: null, cpuModel: null, architecture: null },
    // Collected over the host's SSH connection, by virsh.
    source: 'ssh',
  };
  return {
    sample,
    kind: 'vm',
    powerState,
    runsOn: parent,
    address: null,
    ...(downReason !== undefined && { down: { reason: downReason, message: `libvirt reports domain ${vm.name} ${powerState}` } }),
  };
}

/**
 * The guest's own view when its balloon driver reports one (used = seen − usable, as MemAvailable
 * counts); otherwise only the memory it was given. The VM process's RSS on the host is no usage:
 * a guest touches all its memory sooner or later (page cache), so it would read as full.
 */
function guestMemory(vm: VirtualMachine): Pick<Sample, 'memTotalBytes' | 'memAvailableBytes' | 'memUsedPct'> {
  const seen = positive(vm.memoryAvailableKiB);
  const usable = vm.memoryUsableKiB;
  if (seen !== null && usable !== null && usable <= seen) {
    return { memTotalBytes: seen * 1024, memAvailableBytes: usable * 1024, memUsedPct: roundPercent(((seen - usable) / seen) * 100) };
  }
  const given = positive(vm.memoryCurrentKiB);
  return { memTotalBytes: given === null ? null : given * 1024, memAvailableBytes: null, memUsedPct: null };
}

function countersOf(vm: VirtualMachine, id: number, at: number): DomainCounters {
  return {
    id,
    at,
    cpuTimeNs: vm.cpuTimeNs,
    disks: Object.fromEntries(vm.disks.map((disk) => [disk.name, { readBytes: disk.readBytes, writeBytes: disk.writeBytes }])),
    interfaces: Object.fromEntries(vm.interfaces.map((nic) => [nic.name, { rxBytes: nic.rxBytes, txBytes: nic.txBytes }])),
  };
}

/** Per NIC present at both polls with both counters grown or kept: a NIC replaced or reset has no rate this once. */
function interfaceRates(now: DomainCounters, base: DomainCounters, seconds: number): InterfaceRate[] {
  const rates: InterfaceRate[] = [];
  for (const [name, counters] of Object.entries(now.interfaces)) {
    const before = base.interfaces[name];
    const rx = delta(counters.rxBytes, before?.rxBytes ?? null);
    const tx = delta(counters.txBytes, before?.txBytes ?? null);
    if (rx !== null && tx !== null) rates.push({ name, rxBytesPerSec: rx / seconds, txBytesPerSec: tx / seconds });
  }
  return rates;
}

/** Summed over the disks present at both polls; null when none had both counters in order. */
function diskRates(now: DomainCounters, base: DomainCounters, seconds: number): { read: number; write: number } | null {
  let read = 0;
  let write = 0;
  let counted = 0;
  for (const [name, counters] of Object.entries(now.disks)) {
    const before = base.disks[name];
    const readBytes = delta(counters.readBytes, before?.readBytes ?? null);
    const writeBytes = delta(counters.writeBytes, before?.writeBytes ?? null);
    if (readBytes === null || writeBytes === null) continue;
    read += readBytes;
    write += writeBytes;
    counted++;
  }
  return counted === 0 ? null : { read: read / seconds, write: write / seconds };
}

/** Growth of a counter; null when either is unknown or it went back (the domain's counters restarted). */
function delta(now: number | null, before: number | null): number | null {
  return now === null || before === null || now < before ? null : now - before;
}

function positive(value: number | null): number | null {
  return value !== null && value > 0 ? value : null;
}

// No control characters (they would break logs and the dashboard) and no longer than a host name may be.
function isEntryName(name: string): boolean {
  return name.length <= MAX_ENTRY_NAME && !/[\u0000-\u001f\u007f]/.test(name);
}
