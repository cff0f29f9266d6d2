// The worker keeps each host's last snapshot until the host's next poll, as the base of its rates.
// Keeping the one just parsed made every poll's counters survive the young generation and die
// old, for the garbage collector to copy and later mark and sweep: the 2,000 simulated hosts'
// light snapshots held 7.7 kB each on average, 3.6 kB of it per-CPU counters (13 CPUs on average,
// about 270 bytes for ten numbers, as if each number were an object of its own). Instead the host
// keeps one snapshot of its own, and each poll writes its counters into it in place: a double
// written over a double needs no new object. Measured over 2,000 simulated hosts (parse, sample and
// encode, bench/keep-snapshot.ts, medians of 3): 127 µs of CPU a poll keeping the parsed snapshots
// (the last and the last full one), 74 with this.
import type { CpuTimes, DiskCounters, HostSnapshot, InterfaceCounters, KernelActivity } from './sample.ts';

/**
 * The snapshot to keep for a host's next poll: `kept` (what this returned at the host's last poll)
 * holding `current`'s values, or a new one. The counters (CPU, interfaces, disks, kernel activity,
 * memory and load) are copied into objects of its own, in place where their shape did not change:
 * never `current`'s objects, which its sample or the host's last full snapshot may hold. The rest
 * (filesystems, pressure, processes, facts, ...) it takes by reference, as `current` has them; it
 * never changes those. JSON-equal to `current` afterwards.
 */
export function keepSnapshot(kept: HostSnapshot | undefined, current: HostSnapshot): HostSnapshot {
  // A key that comes or goes (a host switched to node_exporter, say) changes the object's shape: a new one.
  const into = kept !== undefined && sameOptionalKeys(kept, current) ? kept : undefined;
  // A new one starts as `current` with its counters emptied, to be copied below.
  const snapshot: HostSnapshot = into
    ?? { ...current, cpuTotal: null, cpuPerCore: null, memory: null, load: null, interfaces: null, disks: null, ...('activity' in current && { activity: null }) };
  snapshot.script = current.script;
  if ('source' in current) snapshot.source = current.source;
  snapshot.cpuTotal = current.cpuTotal === null ? null : keepCpuTimes(snapshot.cpuTotal, current.cpuTotal);
  snapshot.cpuPerCore = keepEach(snapshot.cpuPerCore, current.cpuPerCore, keepCpuTimes, () => true);
  snapshot.cpuCount = current.cpuCount;
  snapshot.memory = keepMemory(snapshot.memory, current.memory);
  snapshot.load = keepLoad(snapshot.load, current.load);
  snapshot.uptimeSec = current.uptimeSec;
  if ('activity' in current) snapshot.activity = keepActivity(snapshot.activity ?? null, current.activity ?? null);
  snapshot.interfaces = keepEach(snapshot.interfaces, current.interfaces, keepInterface, (a, b) => a.name === b.name);
  if ('hostBootTimeSec' in current) snapshot.hostBootTimeSec = current.hostBootTimeSec;
  snapshot.virtualInterfaces = current.virtualInterfaces;
  snapshot.filesystems = current.filesystems;
  if ('filesystemsAt' in current) snapshot.filesystemsAt = current.filesystemsAt;
  snapshot.disks = keepEach(snapshot.disks, current.disks, keepDisk, (a, b) => a.name === b.name);
  snapshot.pressure = current.pressure;
  snapshot.processes = current.processes;
  snapshot.failedUnits = current.failedUnits;
  snapshot.gpus = current.gpus;
  snapshot.facts = current.facts;
  snapshot.pollShellPid = current.pollShellPid;
  snapshot.unsupportedOs = current.unsupportedOs;
  snapshot.missing = current.missing;
  return snapshot;
}

function sameOptionalKeys(a: HostSnapshot, b: HostSnapshot): boolean {
  return ('source' in a) === ('source' in b) && ('activity' in a) === ('activity' in b) && ('filesystemsAt' in a) === ('filesystemsAt' in b)
    && ('hostBootTimeSec' in a) === ('hostBootTimeSec' in b);
}

/**
 * `from`'s items kept in `into`'s, in place when both have as many, pairwise `same` (an
 * interface's name, say); otherwise copies of `from`'s in a new array.
 */
function keepEach<T>(into: T[] | null, from: readonly T[] | null, keep: (into: T | null, from: T) => T, same: (a: T, b: T) => boolean): T[] | null {
  if (from === null) return null;
  if (into !== null && into.length === from.length) {
    let matches = true;
    for (let i = 0; i < from.length && matches; i++) matches = same(into[i] as T, from[i] as T);
    if (matches) {
      for (let i = 0; i < from.length; i++) keep(into[i] as T, from[i] as T);
      return into;
    }
  }
  const copies: T[] = [];
  for (const item of from) copies.push(keep(null, item));
  return copies;
}

// The copies below are spelled out field by field, alike in shape: a loop over key names would be
// a keyed, polymorphic access per field, on the path every poll takes.
function keepCpuTimes(into: CpuTimes | null, from: CpuTimes): CpuTimes {
  if (into === null) {
    return {
      user: from.user, nice: from.nice, system: from.system, idle: from.idle, iowait: from.iowait,
      irq: from.irq, softirq: from.softirq, steal: from.steal, guest: from.guest, guestNice: from.guestNice,
    };
  }
  into.user = from.user;
  into.nice = from.nice;
  into.system = from.system;
  into.idle = from.idle;
  into.iowait = from.iowait;
  into.irq = from.irq;
  into.softirq = from.softirq;
  into.steal = from.steal;
  into.guest = from.guest;
  into.guestNice = from.guestNice;
  return into;
}

function keepInterface(into: InterfaceCounters | null, from: InterfaceCounters): InterfaceCounters {
  if (into === null) {
    return {
      name: from.name, rxBytes: from.rxBytes, rxPackets: from.rxPackets, rxErrors: from.rxErrors, rxDrops: from.rxDrops,
      txBytes: from.txBytes, txPackets: from.txPackets, txErrors: from.txErrors, txDrops: from.txDrops,
      ...(from.operState !== undefined && { operState: from.operState }),
    };
  }
  // The parser's own constant strings: nothing of the output is held.
  if (from.operState !== undefined) into.operState = from.operState;
  else if (into.operState !== undefined) delete into.operState;
  into.rxBytes = from.rxBytes;
  into.rxPackets = from.rxPackets;
  into.rxErrors = from.rxErrors;
  into.rxDrops = from.rxDrops;
  into.txBytes = from.txBytes;
  into.txPackets = from.txPackets;
  into.txErrors = from.txErrors;
  into.txDrops = from.txDrops;
  return into;
}

function keepDisk(into: DiskCounters | null, from: DiskCounters): DiskCounters {
  if (into === null) {
    return {
      name: from.name, readsCompleted: from.readsCompleted, sectorsRead: from.sectorsRead, writesCompleted: from.writesCompleted,
      sectorsWritten: from.sectorsWritten, readMs: from.readMs, writeMs: from.writeMs, ioMs: from.ioMs,
    };
  }
  into.readsCompleted = from.readsCompleted;
  into.sectorsRead = from.sectorsRead;
  into.writesCompleted = from.writesCompleted;
  into.sectorsWritten = from.sectorsWritten;
  into.readMs = from.readMs;
  into.writeMs = from.writeMs;
  into.ioMs = from.ioMs;
  return into;
}

function keepActivity(into: KernelActivity | null, from: KernelActivity | null): KernelActivity | null {
  if (from === null) return null;
  if (into === null) return { contextSwitches: from.contextSwitches, interrupts: from.interrupts, forks: from.forks, procsBlocked: from.procsBlocked };
  into.contextSwitches = from.contextSwitches;
  into.interrupts = from.interrupts;
  into.forks = from.forks;
  into.procsBlocked = from.procsBlocked;
  return into;
}

function keepMemory(into: HostSnapshot['memory'], from: HostSnapshot['memory']): HostSnapshot['memory'] {
  if (from === null) return null;
  if (into === null) {
    return {
      totalBytes: from.totalBytes, availableBytes: from.availableBytes, freeBytes: from.freeBytes, buffersBytes: from.buffersBytes,
      cachedBytes: from.cachedBytes, swapTotalBytes: from.swapTotalBytes, swapFreeBytes: from.swapFreeBytes,
    };
  }
  into.totalBytes = from.totalBytes;
  into.availableBytes = from.availableBytes;
  into.freeBytes = from.freeBytes;
  into.buffersBytes = from.buffersBytes;
  into.cachedBytes = from.cachedBytes;
  into.swapTotalBytes = from.swapTotalBytes;
  into.swapFreeBytes = from.swapFreeBytes;
  return into;
}

function keepLoad(into: HostSnapshot['load'], from: HostSnapshot['load']): HostSnapshot['load'] {
  if (from === null) return null;
  if (into === null) return { load1: from.load1, load5: from.load5, load15: from.load15, runnable: from.runnable, total: from.total };
  into.load1 = from.load1;
  into.load5 = from.load5;
  into.load15 = from.load15;
  into.runnable = from.runnable;
  into.total = from.total;
  return into;
}
