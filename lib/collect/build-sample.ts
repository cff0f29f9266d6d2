import type {
  CpuModes,
  CpuTimes,
  DiskCounters,
  DiskRate,
  FilesystemUsage,
  HostFacts,
  HostSnapshot,
  InterfaceCounters,
  InterfaceRate,
  ProcessCounters,
  ProcessSummary,
  Sample,
  TopProcess,
} from './sample.ts';
import { bootTime } from './boot-time.ts';
import { filesystemsReadAt } from './carry-filesystems.ts';
import { isPseudoFilesystem } from './is-pseudo-filesystem.ts';
import { compileProcessPattern, MAX_PATTERNS } from './process-patterns.ts';
import { roundHundredths, roundPercent } from './round-percent.ts';

const LOOPBACK = 'lo';
const TOP_PROCESSES = 10;
const SECTOR_BYTES = 512;

export interface BuildSampleOptions {
  /** `vigil_processes`: count the processes matching each. */
  processPatterns?: readonly string[];
  /** `vigil_filesystems_include_pseudo`: keep tmpfs, overlay, squashfs and the like. */
  includePseudoFilesystems?: boolean;
  /**
   * The host's last snapshot from a full poll, when `previous` is a light one: process CPU is
   * measured against it, and facts are sent when they differ from its. Absent: `previous`.
   */
  previousFull?: HostSnapshot;
}

/**
 * One stored sample: levels from `current`, rates from counter deltas against `previous` (the
 * same host's last snapshot). A rate that cannot be trusted is null (or the item is left out),
 * never negative: no previous snapshot, a reboot in between (uptime went down), a counter that went
 * backwards (interface or disk re-created, 32-bit wrap) or no time elapsed on the host's clock.
 */
export function buildSample(
  host: string,
  ts: number,
  current: HostSnapshot,
  previous: HostSnapshot | undefined,
  options: BuildSampleOptions = {},
): Sample {
  const rebooted = previous !== undefined && rebootedBetween(previous, current);
  const comparable = previous !== undefined && !rebooted ? previous : undefined;
  const elapsedSec =
    comparable?.uptimeSec != null && current.uptimeSec !== null ? current.uptimeSec - comparable.uptimeSec : null;
  const usableElapsed = elapsedSec !== null && elapsedSec > 0 ? elapsedSec : null;
  const interfaceRates = rateInterfaces(current.interfaces, comparable?.interfaces ?? null, usableElapsed, current.virtualInterfaces);
  const diskRates = rateDisks(current.disks, comparable?.disks ?? null, usableElapsed);
  const memory = current.memory;
  const filesystems = (current.filesystems ?? []).filter((fs) => options.includePseudoFilesystems === true || !isPseudoFilesystem(fs));
  const cpu = cpuFigures(current.cpuTotal, comparable?.cpuTotal ?? null);
  const load1 = current.load?.load1 ?? null;
  const light = current.script === 'light';
  const full = options.previousFull ?? previous;
  const fullComparable = full !== undefined && !rebootedBetween(full, current) ? full : undefined;
  return {
    host,
    ts,
    cpuBusyPct: cpu?.busyPct ?? null,
    cpuCount: current.cpuCount,
    cpuModes: cpu?.modes ?? null,
    perCoreBusyPct: perCoreBusy(current.cpuPerCore, comparable?.cpuPerCore ?? null),
    memTotalBytes: memory?.totalBytes ?? null,
    memAvailableBytes: memory?.availableBytes ?? null,
    memUsedPct:
      memory !== null && memory.totalBytes > 0
        ? roundPercent(clampPct(((memory.totalBytes - memory.availableBytes) / memory.totalBytes) * 100))
        : null,
    memBuffersBytes: memory?.buffersBytes ?? null,
    memCachedBytes: memory?.cachedBytes ?? null,
    swapTotalBytes: memory?.swapTotalBytes ?? null,
    swapUsedBytes: memory !== null ? Math.max(0, memory.swapTotalBytes - memory.swapFreeBytes) : null,
    load1,
    load5: current.load?.load5 ?? null,
    load15: current.load?.load15 ?? null,
    loadPerCore: load1 !== null && current.cpuCount !== null && current.cpuCount > 0 ? roundPercent(load1 / current.cpuCount) : null,
    uptimeSec: current.uptimeSec,
    bootTime: bootTime(ts, current.uptimeSec),
    clockOffsetSec: clockOffsetSec(ts, current),
    rebooted,
    // Whole bytes per second: the fractions are the jitter of the poll's timing, and cost stored bytes.
    netRxBytesPerSec: wholeOrNull(interfaceRates.rxTotal),
    netTxBytesPerSec: wholeOrNull(interfaceRates.txTotal),
    diskUsedPctMax: filesystems.length > 0 ? roundPercent(maxUsedPct(filesystems)) : null,
    diskReadBytesPerSec: wholeOrNull(diskRates.readTotal),
    diskWriteBytesPerSec: wholeOrNull(diskRates.writeTotal),
    contextSwitchesPerSec: counterRate(current.activity?.contextSwitches, comparable?.activity?.contextSwitches, usableElapsed),
    interruptsPerSec: counterRate(current.activity?.interrupts, comparable?.activity?.interrupts, usableElapsed),
    forksPerSec: counterRate(current.activity?.forks, comparable?.activity?.forks, usableElapsed),
    processesBlocked: current.activity?.procsBlocked ?? null,
    filesystems,
    filesystemsAt: filesystemsReadAt(current, ts),
    interfaces: interfaceRates.rates,
    disks: diskRates.rates,
    // A light poll did not look at processes or units: absent, not "none".
    ...(light ? {} : { processes: summarizeProcesses(current, fullComparable, options.processPatterns ?? []) }),
    pressure: current.pressure,
    ...(light ? {} : { failedUnits: current.failedUnits }),
    gpus: current.gpus,
    facts: !light && (full === undefined || !sameFacts(full.facts, current.facts)) ? current.facts : null,
    missing: [...current.missing],
    pollScript: current.script,
  };
}

/** Math.max over the usedPct of each, without the spread's array of them. */
function maxUsedPct(filesystems: readonly FilesystemUsage[]): number {
  let max = -Infinity;
  for (const fs of filesystems) max = Math.max(max, fs.usedPct);
  return max;
}

/** A counter's rate over the interval, to 0.01 per second; null without both readings, or when it went backwards. */
function counterRate(now: number | null | undefined, before: number | null | undefined, elapsedSec: number | null): number | null {
  if (now == null || before == null || elapsedSec === null || now < before) return null;
  const rate = (now - before) / elapsedSec;
  return Number.isFinite(rate) ? roundHundredths(rate) : null;
}

function wholeOrNull(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}

function sameFacts(a: HostFacts | null, b: HostFacts | null): boolean {
  if (a === null || b === null) return a === b;
  return a.hostname === b.hostname && a.kernel === b.kernel && a.osName === b.osName && a.osVersion === b.osVersion
    && a.cpuModel === b.cpuModel && a.architecture === b.architecture;
}


function rebootedBetween(previous: HostSnapshot, current: HostSnapshot): boolean {
  return previous.uptimeSec !== null && current.uptimeSec !== null && current.uptimeSec < previous.uptimeSec;
}

/**
 * Ticks spent in each mode since the previous poll, or null when the two cannot be compared:
 * iowait may go backwards on a tickless kernel (proc(5)); any other counter going backwards means
 * the counters are not comparable (a reboot the uptime missed), and no figure beats a wrong one.
 * Plain fields, not an array per call: this runs for the total and for every core on every poll.
 */
interface ModeDeltas extends Omit<CpuTimes, 'guest' | 'guestNice'> {
  /** Their sum, positive and finite. */
  total: number;
}

function modeDeltas(current: CpuTimes, previous: CpuTimes, into: ModeDeltas): ModeDeltas | null {
  if (current.user < previous.user || current.nice < previous.nice || current.system < previous.system || current.idle < previous.idle
    || current.irq < previous.irq || current.softirq < previous.softirq || current.steal < previous.steal) return null;
  into.user = current.user - previous.user;
  into.nice = current.nice - previous.nice;
  into.system = current.system - previous.system;
  into.idle = current.idle - previous.idle;
  into.iowait = Math.max(0, current.iowait - previous.iowait);
  into.irq = current.irq - previous.irq;
  into.softirq = current.softirq - previous.softirq;
  into.steal = current.steal - previous.steal;
  // Summed in mode order, from 0, as the percentages have always been computed.
  into.total = 0 + into.user + into.nice + into.system + into.idle + into.iowait + into.irq + into.softirq + into.steal;
  return into.total > 0 && Number.isFinite(into.total) ? into : null;
}

/** Scratch for modeDeltas; every caller reads it before the next call. */
const scratchDeltas: ModeDeltas = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, total: 0 };

function pctOf(delta: number, total: number): number {
  return clampPct((delta / total) * 100);
}

function shareOf(delta: number, total: number): number {
  return roundPercent(pctOf(delta, total));
}

/** Rounded once, from the exact shares: rounding them first would add their rounding errors. */
function busyPctOf(d: ModeDeltas): number {
  return roundPercent(clampPct(100 - pctOf(d.idle, d.total) - pctOf(d.iowait, d.total)));
}

/**
 * Share of CPU time in each mode since the previous poll, and the busy share (all but idle and
 * iowait). guest is shown but not added to the total, because the kernel already counts it inside
 * user and nice. The counters are ticks, so this needs no wall clock.
 */
function cpuFigures(current: CpuTimes | null, previous: CpuTimes | null): { modes: CpuModes; busyPct: number } | null {
  if (current === null || previous === null) return null;
  const d = modeDeltas(current, previous, scratchDeltas);
  if (d === null) return null;
  const guest = Math.max(0, current.guest - previous.guest) + Math.max(0, current.guestNice - previous.guestNice);
  const modes = {
    user: shareOf(d.user, d.total),
    nice: shareOf(d.nice, d.total),
    system: shareOf(d.system, d.total),
    idle: shareOf(d.idle, d.total),
    iowait: shareOf(d.iowait, d.total),
    irq: shareOf(d.irq, d.total),
    softirq: shareOf(d.softirq, d.total),
    steal: shareOf(d.steal, d.total),
    guest: shareOf(guest, d.total),
  };
  return { modes, busyPct: busyPctOf(d) };
}

/** Null unless both polls saw the same number of CPUs (a CPU taken offline shifts the others). */
function perCoreBusy(current: CpuTimes[] | null, previous: CpuTimes[] | null): number[] | null {
  if (current === null || previous === null || current.length !== previous.length) return null;
  const busy: number[] = [];
  for (let i = 0; i < current.length; i++) {
    const now = current[i];
    const before = previous[i];
    const d = now !== undefined && before !== undefined ? modeDeltas(now, before, scratchDeltas) : null;
    if (d === null) return null;
    busy.push(busyPctOf(d));
  }
  return busy;
}

function cpuTotalTicks(t: CpuTimes): number {
  return t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
}

interface InterfaceRates {
  rates: InterfaceRate[];
  rxTotal: number | null;
  txTotal: number | null;
}

/**
 * Per-interface rates over the host's own elapsed uptime, so network latency between the worker
 * and the host does not skew them. An interface new since the last poll, or whose counters went
 * backwards (re-created, wrapped), has no rate this time. The totals leave out loopback and are
 * null when any interface seen both times cannot be rated, since a sum missing one interface would
 * look like a real drop in traffic.
 */
function rateInterfaces(
  current: InterfaceCounters[] | null,
  previous: InterfaceCounters[] | null,
  elapsedSec: number | null,
  virtualNames: string[] | null,
): InterfaceRates {
  if (current === null || previous === null || elapsedSec === null) return { rates: [], rxTotal: null, txTotal: null };
  const previousByName = byName(previous);
  // Null names only loopback, which `loopback` covers.
  const virtual = new Set(virtualNames ?? []);
  const rates: InterfaceRate[] = [];
  let rxTotal = 0;
  let txTotal = 0;
  let totalsValid = true;
  let rated = 0;
  for (const iface of current) {
    const before = previousByName.get(iface.name);
    if (before === undefined) continue;
    const rxBytes = iface.rxBytes - before.rxBytes;
    const txBytes = iface.txBytes - before.txBytes;
    const rxPackets = iface.rxPackets - before.rxPackets;
    const txPackets = iface.txPackets - before.txPackets;
    const rxErrors = iface.rxErrors - before.rxErrors;
    const txErrors = iface.txErrors - before.txErrors;
    const rxDrops = iface.rxDrops - before.rxDrops;
    const txDrops = iface.txDrops - before.txDrops;
    const usable = usableDelta(rxBytes, elapsedSec) && usableDelta(txBytes, elapsedSec) && usableDelta(rxPackets, elapsedSec)
      && usableDelta(txPackets, elapsedSec) && usableDelta(rxErrors, elapsedSec) && usableDelta(txErrors, elapsedSec)
      && usableDelta(rxDrops, elapsedSec) && usableDelta(txDrops, elapsedSec);
    const loopback = iface.name === LOOPBACK;
    if (!usable) {
      if (!loopback) totalsValid = false;
      continue;
    }
    const rxBytesPerSec = rxBytes / elapsedSec;
    const txBytesPerSec = txBytes / elapsedSec;
    rates.push({
      name: iface.name,
      rxBytesPerSec,
      txBytesPerSec,
      rxPacketsPerSec: rxPackets / elapsedSec,
      txPacketsPerSec: txPackets / elapsedSec,
      rxErrors,
      txErrors,
      rxDrops,
      txDrops,
      ...(iface.operState !== undefined && { operState: iface.operState }),
      loopback,
      virtual: loopback || virtual.has(iface.name),
    });
    if (!loopback) {
      rxTotal += rxBytesPerSec;
      txTotal += txBytesPerSec;
      rated++;
    }
  }
  const totalsKnown = totalsValid && rated > 0;
  return { rates, rxTotal: totalsKnown ? rxTotal : null, txTotal: totalsKnown ? txTotal : null };
}

function usableDelta(delta: number, elapsedSec: number): boolean {
  return delta >= 0 && Number.isFinite(delta / elapsedSec);
}

/** The items by name, the last of a name winning. */
function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  const named = new Map<string, T>();
  for (const item of items) named.set(item.name, item);
  return named;
}

interface DiskRates {
  rates: DiskRate[];
  readTotal: number | null;
  writeTotal: number | null;
}

/** Milliseconds per completed operation, to 0.01 ms: null without any (0 ms over 0 reads is no latency, not a fast disk). */
function averageLatencyMs(ms: number, operations: number): number | null {
  if (operations <= 0) return null;
  const latency = ms / operations;
  return Number.isFinite(latency) ? roundHundredths(latency) : null;
}

/** The host's clock (its boot time by that clock, plus its uptime) minus `ts`, the worker's, to the second. */
function clockOffsetSec(ts: number, current: HostSnapshot): number | null {
  if (current.hostBootTimeSec == null || current.uptimeSec === null) return null;
  const offset = Math.round(current.hostBootTimeSec + current.uptimeSec - ts / 1000);
  return Number.isFinite(offset) ? offset : null;
}

/** As for interfaces: a disk whose counters went backwards has no rate; the totals then are null. */
function rateDisks(current: DiskCounters[] | null, previous: DiskCounters[] | null, elapsedSec: number | null): DiskRates {
  if (current === null || previous === null || elapsedSec === null) return { rates: [], readTotal: null, writeTotal: null };
  const previousByName = byName(previous);
  const rates: DiskRate[] = [];
  let readTotal = 0;
  let writeTotal = 0;
  let totalsValid = true;
  for (const disk of current) {
    const before = previousByName.get(disk.name);
    if (before === undefined) continue;
    const reads = disk.readsCompleted - before.readsCompleted;
    const writes = disk.writesCompleted - before.writesCompleted;
    const sectorsRead = disk.sectorsRead - before.sectorsRead;
    const sectorsWritten = disk.sectorsWritten - before.sectorsWritten;
    const ioMs = disk.ioMs - before.ioMs;
    const readMs = disk.readMs - before.readMs;
    const writeMs = disk.writeMs - before.writeMs;
    if (reads < 0 || writes < 0 || sectorsRead < 0 || sectorsWritten < 0 || ioMs < 0 || readMs < 0 || writeMs < 0) {
      totalsValid = false;
      continue;
    }
    const readBytesPerSec = (sectorsRead * SECTOR_BYTES) / elapsedSec;
    const writeBytesPerSec = (sectorsWritten * SECTOR_BYTES) / elapsedSec;
    if (!Number.isFinite(readBytesPerSec) || !Number.isFinite(writeBytesPerSec)) {
      totalsValid = false;
      continue;
    }
    rates.push({
      name: disk.name,
      readBytesPerSec,
      writeBytesPerSec,
      readIops: reads / elapsedSec,
      writeIops: writes / elapsedSec,
      busyPct: roundPercent(clampPct((ioMs / (elapsedSec * 1000)) * 100)),
      readLatencyMs: averageLatencyMs(readMs, reads),
      writeLatencyMs: averageLatencyMs(writeMs, writes),
    });
    readTotal += readBytesPerSec;
    writeTotal += writeBytesPerSec;
  }
  const totalsKnown = totalsValid && rates.length > 0;
  return { rates, readTotal: totalsKnown ? readTotal : null, writeTotal: totalsKnown ? writeTotal : null };
}

/**
 * Process counts, the top processes by CPU and by memory, and the pattern counts. CPU % is the
 * process's ticks since the previous poll over all CPUs' ticks in the same span (so no clock rate
 * is needed), times the CPU count: percent of one CPU, as top shows it. A process not seen last
 * time (same pid and start time) gets its lifetime average instead. The poll's own shell and its
 * children are left out.
 */
function summarizeProcesses(current: HostSnapshot, previous: HostSnapshot | undefined, patterns: readonly string[]): ProcessSummary | null {
  if (current.processes === null) return null;
  const shell = current.pollShellPid;
  const cpuCount = current.cpuCount ?? 1;
  const previousOf = previousProcessLookup(previous?.processes ?? []);
  const totalTicksDelta =
    current.cpuTotal !== null && previous?.cpuTotal != null ? cpuTotalTicks(current.cpuTotal) - cpuTotalTicks(previous.cpuTotal) : null;
  const hz = ticksPerSecond(current);
  const uptimeTicks = current.uptimeSec !== null && hz !== null ? current.uptimeSec * hz : null;
  const maxPct = cpuCount * 100;
  const regexes = patterns.slice(0, MAX_PATTERNS).map((pattern) => compileProcessPattern(pattern));
  const matchCounts = regexes.map(() => 0);
  // One pass, no row object per process: a full poll of a busy host lists hundreds of them.
  // The top lists are kept sorted as they fill, which gives what a stable sort and a slice gave.
  const topCpu: TopProcess[] = [];
  const topMemory: TopProcess[] = [];
  let running = 0;
  let total = 0;
  for (const p of current.processes) {
    if (shell !== null && (p.pid === shell || p.ppid === shell)) continue;
    total++;
    if (p.state === 'R') running++;
    for (let i = 0; i < regexes.length; i++) {
      const regex = regexes[i];
      if (regex != null && regex.test(p.command)) matchCounts[i] = (matchCounts[i] as number) + 1;
    }
    const cpuPct = roundPercent(finiteOrZero(processCpuPct(p, previousOf(p), totalTicksDelta, cpuCount, maxPct, hz, uptimeTicks)));
    if (cpuPct > 0) insertTop(topCpu, false, p, cpuPct);
    if (p.rssBytes > 0) insertTop(topMemory, true, p, cpuPct);
  }
  return {
    running,
    total,
    topCpu,
    topMemory,
    matches: regexes.map((regex, i) => ({ pattern: patterns[i] as string, count: regex === null ? 0 : (matchCounts[i] as number) })),
  };
}

/**
 * The process's CPU % since the previous poll (`before`: the same process then), else its
 * lifetime average; see summarizeProcesses.
 */
function processCpuPct(
  p: ProcessCounters, before: ProcessCounters | undefined, totalTicksDelta: number | null, cpuCount: number, maxPct: number,
  hz: number | null, uptimeTicks: number | null,
): number {
  if (before !== undefined && totalTicksDelta !== null && totalTicksDelta > 0) {
    return Math.min(maxPct, (Math.max(0, p.cpuTicks - before.cpuTicks) / totalTicksDelta) * cpuCount * 100);
  }
  const lifetimeTicks = uptimeTicks === null ? 0 : uptimeTicks - p.startTicks;
  // Under a second old: too short an average to mean anything.
  if (hz === null || !(lifetimeTicks >= hz)) return 0;
  return Math.min(maxPct, (p.cpuTicks / lifetimeTicks) * 100);
}

/**
 * The previous poll's process with the same pid and start time (the last such, as a Map keyed by
 * "pid:startTicks" held it). Keyed by the pid alone, no key string per process, unless a pid
 * shows twice in the list.
 */
function previousProcessLookup(previous: readonly ProcessCounters[]): (p: ProcessCounters) => ProcessCounters | undefined {
  const byPid = new Map<number, ProcessCounters>();
  for (const p of previous) {
    if (byPid.has(p.pid)) {
      const byKey = new Map(previous.map((q) => [`${q.pid}:${q.startTicks}`, q]));
      return (p) => byKey.get(`${p.pid}:${p.startTicks}`);
    }
    byPid.set(p.pid, p);
  }
  return (p) => {
    const before = byPid.get(p.pid);
    return before !== undefined && sameNumberText(before.startTicks, p.startTicks) ? before : undefined;
  };
}

/** Whether String(a) === String(b), as the keys compared them: NaN is NaN, and 0 is -0. */
function sameNumberText(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * Puts the process into `top` (at most TOP_PROCESSES, most CPU or most memory first, then by pid)
 * after any equal to it, as the stable sort of all of them did; no entry is made for one that
 * would not make the list.
 */
function insertTop(top: TopProcess[], byMemory: boolean, p: ProcessCounters, cpuPct: number): void {
  const key = byMemory ? p.rssBytes : cpuPct;
  let at = top.length;
  while (at > 0 && sortsBefore(key, p.pid, top[at - 1] as TopProcess, byMemory)) at--;
  if (at >= TOP_PROCESSES) return;
  top.splice(at, 0, { pid: p.pid, user: null, command: p.command, cpuPct, rssBytes: p.rssBytes });
  if (top.length > TOP_PROCESSES) top.pop();
}

/** The order of the top lists: (a, b) => b.key - a.key || a.pid - b.pid, below 0. */
function sortsBefore(key: number, pid: number, other: TopProcess, byMemory: boolean): boolean {
  const otherKey = byMemory ? other.rssBytes : other.cpuPct;
  return (otherKey - key || pid - other.pid) < 0;
}

const KNOWN_HZ = [100, 250, 300, 1000];

/**
 * USER_HZ, which the script cannot read without starting `getconf`: all CPUs' ticks since boot over
 * the uptime, snapped to the values kernels use (nearly always 100). Null when it cannot be told.
 */
function ticksPerSecond(snapshot: HostSnapshot): number | null {
  if (snapshot.cpuTotal === null || snapshot.uptimeSec === null || !(snapshot.uptimeSec > 0)) return 100;
  const estimate = cpuTotalTicks(snapshot.cpuTotal) / ((snapshot.cpuCount ?? 1) * snapshot.uptimeSec);
  if (!Number.isFinite(estimate) || estimate <= 0) return 100;
  let best = 100;
  for (const hz of KNOWN_HZ) if (Math.abs(Math.log(estimate / hz)) < Math.abs(Math.log(estimate / best))) best = hz;
  return best;
}

function finiteOrZero(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function clampPct(pct: number): number {
  return Math.min(100, Math.max(0, pct));
}
