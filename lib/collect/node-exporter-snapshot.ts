// node_exporter's metrics as the same HostSnapshot the poll script's output parses into, so that
// buildSample, the charts and the rules do not care which source a sample came from. Both read the
// same /proc files: node_exporter divides /proc/stat's ticks by USER_HZ (100, fixed in its code)
// and multiplies /proc/diskstats' sectors by 512, which this undoes, so that a snapshot of either
// source can be the `previous` of the other's. Pure; what a hostile exporter sends (NaN, ±Inf,
// negative or absurd figures) leaves the section it is in null and named in `missing`, never a
// NaN in the sample.
import type { CpuTimes, DiskCounters, FilesystemUsage, HostFacts, HostSnapshot, InterfaceCounters, KernelActivity } from './sample.ts';
import type { PrometheusSample, PrometheusText } from './parse-prometheus-text.ts';
import { cleanText } from './clean-command-line.ts';
import { roundPercent } from './round-percent.ts';

/** node_exporter's USER_HZ: it reports /proc/stat's ticks divided by 100 whatever the kernel's. */
const TICKS_PER_SECOND = 100;
const SECTOR_BYTES = 512;
/** Counters and sizes above this are not exact in a double: a figure past it is not trusted. */
const MAX_COUNT = Number.MAX_SAFE_INTEGER;
/** A Linux interface name is at most 15 bytes; anything much longer is not one. */
const MAX_NAME_LENGTH = 64;
const MAX_CPUS = 65_536;
/**
 * Interfaces, disks and mounts kept of one answer: far more than a real host has, few enough that
 * an exporter listing a million made-up devices cannot swell the stored sample.
 */
export const MAX_DEVICES = 1024;

/**
 * Sections a node_exporter does not provide: processes (its processes collector counts them but
 * names none) and systemd's failed units (its systemd collector is off by default and needs D-Bus).
 */
export const NODE_EXPORTER_ABSENT_SECTIONS = ['processes', 'failed-units'] as const;

// As parse-diskstats.ts: partitions repeat their disk's I/O; loop, ram, zram, floppy and optical
// devices are not storage an operator watches.
const PARTITION = /^(?:(?:sd|vd|xvd|hd)[a-z]+\d+|(?:nvme\d+n\d+|mmcblk\d+|nbd\d+|loop\d+)p\d+)$/;
const IGNORED_DISK = /^(?:loop\d+|ram\d+|fd\d+|zram\d+|sr\d+)$/;

type CpuMode = keyof Omit<CpuTimes, 'guest' | 'guestNice'>;

export function nodeExporterSnapshot(metrics: PrometheusText): HostSnapshot {
  const cpu = readCpu(metrics);
  const snapshot: HostSnapshot = {
    script: 'full',
    source: 'node_exporter',
    cpuTotal: cpu?.total ?? null,
    cpuPerCore: cpu?.perCore ?? null,
    cpuCount: cpu?.perCore.length ?? null,
    memory: readMemory(metrics),
    load: readLoad(metrics),
    uptimeSec: readUptime(metrics),
    activity: readActivity(metrics),
    interfaces: readInterfaces(metrics),
    // With the uptime above, the exporter's node_time_seconds: the host's clock, for its offset.
    hostBootTimeSec: single(metrics, 'node_boot_time_seconds'),
    // node_exporter does not say which interfaces are software ones; buildSample then flags loopback alone.
    virtualInterfaces: null,
    filesystems: readFilesystems(metrics),
    disks: readDisks(metrics),
    // It exports only the stall seconds since boot, not the kernel's avg10/60/300 the sample carries.
    pressure: null,
    processes: null,
    failedUnits: null,
    gpus: null,
    facts: readFacts(metrics),
    pollShellPid: null,
    unsupportedOs: null,
    missing: [],
  };
  const present: Array<[string, boolean]> = [
    ['uptime', snapshot.uptimeSec !== null],
    ['netdev', snapshot.interfaces !== null],
    ['stat', cpu !== null],
    ['loadavg', snapshot.load !== null],
    ['meminfo', snapshot.memory !== null],
    ['df', snapshot.filesystems !== null],
    ['diskstats', snapshot.disks !== null],
    ['processes', false],
    ['facts', snapshot.facts !== null],
    ['failed-units', false],
  ];
  snapshot.missing = present.filter(([, ok]) => !ok).map(([name]) => name);
  return snapshot;
}

/** True when not one section of node_exporter's was read: whatever answered was not a node_exporter. */
export function isEmptyNodeExporterSnapshot(snapshot: HostSnapshot): boolean {
  return snapshot.cpuTotal === null && snapshot.memory === null && snapshot.load === null && snapshot.uptimeSec === null
    && snapshot.interfaces === null && snapshot.filesystems === null && snapshot.disks === null && snapshot.facts === null;
}

/** The stat collector's counters, as /proc/stat gives them; null when it exported none of them. */
function readActivity(metrics: PrometheusText): KernelActivity | null {
  const whole = (name: string): number | null => {
    const value = single(metrics, name);
    return value === null ? null : Math.round(value);
  };
  const activity: KernelActivity = {
    contextSwitches: whole('node_context_switches_total'),
    interrupts: whole('node_intr_total'),
    forks: whole('node_forks_total'),
    procsBlocked: whole('node_procs_blocked'),
  };
  return Object.values(activity).every((value) => value === null) ? null : activity;
}

/** A finite figure in 0..MAX_COUNT, or null. */
function count(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && value >= 0 && value <= MAX_COUNT ? value : null;
}

function samplesOf(metrics: PrometheusText, name: string): PrometheusSample[] {
  return metrics.samples.get(name) ?? [];
}

/** The value of a metric written once, without labels that matter. */
function single(metrics: PrometheusText, name: string): number | null {
  return count(metrics.samples.get(name)?.[0]?.value);
}

/** Seconds as ticks, whole as /proc/stat prints them (606.73 s is 60673 ticks, not 60672.99…). */
function ticks(seconds: number | undefined): number | null {
  const value = count(seconds === undefined ? undefined : seconds * TICKS_PER_SECOND);
  return value === null ? null : Math.round(value);
}

interface CpuRead {
  total: CpuTimes;
  perCore: CpuTimes[];
}

/** Per core from node_cpu_seconds_total{cpu,mode} and node_cpu_guest_seconds_total; one bad figure and none is trusted. */
function readCpu(metrics: PrometheusText): CpuRead | null {
  const cores = new Map<number, Map<string, number>>();
  for (const sample of samplesOf(metrics, 'node_cpu_seconds_total')) {
    const core = cpuIndex(sample);
    const mode = sample.labels.get('mode');
    if (core === null || mode === undefined) return null;
    let modes = cores.get(core);
    if (modes === undefined) {
      if (cores.size >= MAX_CPUS) return null;
      modes = new Map();
      cores.set(core, modes);
    }
    const value = ticks(sample.value);
    if (value === null) return null;
    modes.set(mode, value);
  }
  if (cores.size === 0) return null;
  const guests = new Map<number, { user: number; nice: number }>();
  for (const sample of samplesOf(metrics, 'node_cpu_guest_seconds_total')) {
    const core = cpuIndex(sample);
    const mode = sample.labels.get('mode');
    const value = ticks(sample.value);
    if (core === null || value === null || (mode !== 'user' && mode !== 'nice')) continue;
    const guest = guests.get(core) ?? { user: 0, nice: 0 };
    guest[mode] = value;
    guests.set(core, guest);
  }
  const perCore: CpuTimes[] = [];
  for (const core of [...cores.keys()].sort((a, b) => a - b)) {
    const modes = cores.get(core) as Map<string, number>;
    // Without these three a core's share of busy time cannot be told; the rest are 0 on many kernels.
    if (!modes.has('user') || !modes.has('system') || !modes.has('idle')) return null;
    const mode = (name: CpuMode): number => modes.get(name) ?? 0;
    const guest = guests.get(core);
    perCore.push({
      user: mode('user'),
      nice: mode('nice'),
      system: mode('system'),
      idle: mode('idle'),
      iowait: mode('iowait'),
      irq: mode('irq'),
      softirq: mode('softirq'),
      steal: mode('steal'),
      guest: guest?.user ?? 0,
      guestNice: guest?.nice ?? 0,
    });
  }
  const total = sumCpuTimes(perCore);
  if (Object.values(total).some((value) => value > MAX_COUNT)) return null;
  return { total, perCore };
}

/**
 * All CPUs' time as the sum of the per-CPU lines: node_exporter exports no other. /proc/stat's own
 * "cpu" line is not quite this (the kernel converts the summed nanoseconds, not each CPU's ticks):
 * it runs up to a tick per CPU ahead in each mode, so the two are compared only on this footing.
 */
export function sumCpuTimes(perCore: readonly CpuTimes[]): CpuTimes {
  const total: CpuTimes = { user: 0, nice: 0, system: 0, idle: 0, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 };
  for (const times of perCore) {
    for (const key of Object.keys(total) as Array<keyof CpuTimes>) total[key] += times[key];
  }
  return total;
}

function cpuIndex(sample: PrometheusSample): number | null {
  const text = sample.labels.get('cpu');
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const index = Number(text);
  return index < MAX_CPUS ? index : null;
}

/** MemTotal and MemFree are required, as in parse-meminfo.ts; MemAvailable (Linux 3.14+) is estimated without it. */
function readMemory(metrics: PrometheusText): HostSnapshot['memory'] {
  const total = single(metrics, 'node_memory_MemTotal_bytes');
  const free = single(metrics, 'node_memory_MemFree_bytes');
  if (total === null || free === null) return null;
  // Absent buffers, cache or swap lines read as 0, as in /proc/meminfo; present but unusable, as none.
  const buffers = optional(metrics, 'node_memory_Buffers_bytes', 0);
  const cached = optional(metrics, 'node_memory_Cached_bytes', 0);
  const swapTotal = optional(metrics, 'node_memory_SwapTotal_bytes', 0);
  const swapFree = optional(metrics, 'node_memory_SwapFree_bytes', 0);
  const available = optional(metrics, 'node_memory_MemAvailable_bytes');
  if (buffers === null || cached === null || available === null || swapTotal === null || swapFree === null) return null;
  return {
    totalBytes: total,
    availableBytes: available ?? Math.min(total, free + buffers + cached),
    freeBytes: free,
    buffersBytes: buffers,
    cachedBytes: cached,
    swapTotalBytes: swapTotal,
    swapFreeBytes: swapFree,
  };
}

/** The figure of a metric that may be absent: undefined when absent, null when present but unusable. */
function optional(metrics: PrometheusText, name: string): number | null | undefined;
function optional(metrics: PrometheusText, name: string, fallback: number): number | null;
function optional(metrics: PrometheusText, name: string, fallback?: number): number | null | undefined {
  const sample = metrics.samples.get(name)?.[0];
  if (sample === undefined) return fallback;
  return count(sample.value);
}

function readLoad(metrics: PrometheusText): HostSnapshot['load'] {
  const load1 = single(metrics, 'node_load1');
  const load5 = single(metrics, 'node_load5');
  const load15 = single(metrics, 'node_load15');
  if (load1 === null || load5 === null || load15 === null) return null;
  // /proc/loadavg's "runnable/total" is not exported; node_procs_running (from /proc/stat) is the
  // nearest to the first, and nothing reads the second from a sample.
  const runnable = Math.round(single(metrics, 'node_procs_running') ?? 0);
  return { load1, load5, load15, runnable, total: Math.max(runnable, Math.round(single(metrics, 'node_processes_threads') ?? 0)) };
}

/**
 * The exporter's clock minus the boot time: node_boot_time_seconds is /proc/stat's btime, whole
 * seconds, so this runs up to a second ahead of /proc/uptime (poll-source.ts keeps rates from
 * straddling the two).
 */
function readUptime(metrics: PrometheusText): number | null {
  const now = single(metrics, 'node_time_seconds');
  const boot = single(metrics, 'node_boot_time_seconds');
  if (now === null || boot === null || now < boot) return null;
  return now - boot;
}

const INTERFACE_COUNTERS = {
  rxBytes: 'node_network_receive_bytes_total',
  rxPackets: 'node_network_receive_packets_total',
  rxErrors: 'node_network_receive_errs_total',
  rxDrops: 'node_network_receive_drop_total',
  txBytes: 'node_network_transmit_bytes_total',
  txPackets: 'node_network_transmit_packets_total',
  txErrors: 'node_network_transmit_errs_total',
  txDrops: 'node_network_transmit_drop_total',
} as const;

/** Per device label; an interface with a counter that is not a usable number is left out, as a malformed /proc/net/dev line is. */
function readInterfaces(metrics: PrometheusText): InterfaceCounters[] | null {
  const byName = new Map<string, InterfaceCounters | null>();
  for (const [field, metric] of Object.entries(INTERFACE_COUNTERS) as Array<[keyof typeof INTERFACE_COUNTERS, string]>) {
    for (const sample of samplesOf(metrics, metric)) {
      const name = deviceName(sample);
      if (name === null) continue;
      if (!byName.has(name)) {
        if (field !== 'rxBytes' || byName.size >= MAX_DEVICES) continue;
        byName.set(name, { name, rxBytes: 0, rxPackets: 0, rxErrors: 0, rxDrops: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDrops: 0 });
      }
      const iface = byName.get(name);
      if (iface == null) continue;
      const value = count(sample.value);
      if (value === null) byName.set(name, null);
      else iface[field] = value;
    }
  }
  const interfaces = [...byName.values()].filter((iface): iface is InterfaceCounters => iface !== null);
  return interfaces.length > 0 ? interfaces : null;
}

function deviceName(sample: PrometheusSample): string | null {
  const name = sample.labels.get('device');
  return name !== undefined && name !== '' && name.length <= MAX_NAME_LENGTH && !/[\s\u0000-\u001f]/.test(name) ? name : null;
}

/**
 * node_filesystem_{size,avail,free}_bytes and files/files_free per mount point. Used is size − free,
 * as df counts it (the root-reserved blocks are neither used nor available), and used % is
 * used / (used + available), as df prints it. A mount whose figures are unusable is left out.
 */
function readFilesystems(metrics: PrometheusText): FilesystemUsage[] | null {
  const sizes = samplesOf(metrics, 'node_filesystem_size_bytes');
  if (sizes.length === 0) return null;
  const key = (sample: PrometheusSample): string =>
    JSON.stringify([sample.labels.get('mountpoint'), sample.labels.get('device'), sample.labels.get('fstype')]);
  const valuesOf = (name: string): Map<string, number> => new Map(samplesOf(metrics, name).map((sample) => [key(sample), sample.value]));
  const avail = valuesOf('node_filesystem_avail_bytes');
  const free = valuesOf('node_filesystem_free_bytes');
  const files = valuesOf('node_filesystem_files');
  const filesFree = valuesOf('node_filesystem_files_free');
  const deviceError = valuesOf('node_filesystem_device_error');
  const filesystems: FilesystemUsage[] = [];
  const mounts = new Set<string>();
  for (const sample of sizes) {
    const id = key(sample);
    const mount = sample.labels.get('mountpoint');
    if (mount === undefined || !mount.startsWith('/') || mounts.has(mount) || deviceError.get(id) === 1 || mounts.size >= MAX_DEVICES) continue;
    const sizeBytes = count(sample.value);
    const availableBytes = count(avail.get(id));
    const freeBytes = count(free.get(id));
    if (sizeBytes === null || availableBytes === null || freeBytes === null || freeBytes > sizeBytes) continue;
    const usedBytes = sizeBytes - freeBytes;
    const inodes = count(files.get(id));
    const inodesFree = count(filesFree.get(id));
    mounts.add(mount);
    filesystems.push({
      mount: cleanText(mount),
      device: cleanText(sample.labels.get('device') ?? ''),
      fsType: sample.labels.has('fstype') ? cleanText(sample.labels.get('fstype') ?? '') : null,
      sizeBytes,
      usedBytes,
      availableBytes,
      usedPct: usedBytes + availableBytes > 0 ? roundPercent((usedBytes / (usedBytes + availableBytes)) * 100) : 0,
      // A filesystem without an inode limit (btrfs, vfat) reports 0 files: its inode use is null.
      inodesUsedPct: inodes !== null && inodes > 0 && inodesFree !== null && inodesFree <= inodes ? roundPercent(((inodes - inodesFree) / inodes) * 100) : null,
    });
  }
  return filesystems;
}

const DISK_COUNTERS = {
  readsCompleted: 'node_disk_reads_completed_total',
  writesCompleted: 'node_disk_writes_completed_total',
  sectorsRead: 'node_disk_read_bytes_total',
  sectorsWritten: 'node_disk_written_bytes_total',
  readMs: 'node_disk_read_time_seconds_total',
  writeMs: 'node_disk_write_time_seconds_total',
  ioMs: 'node_disk_io_time_seconds_total',
} as const;

/** Whole disks that did any I/O, as parse-diskstats.ts keeps them, in /proc/diskstats' units (sectors, milliseconds). */
function readDisks(metrics: PrometheusText): DiskCounters[] | null {
  if (!metrics.samples.has(DISK_COUNTERS.readsCompleted)) return null;
  const byName = new Map<string, DiskCounters | null>();
  for (const [field, metric] of Object.entries(DISK_COUNTERS) as Array<[keyof typeof DISK_COUNTERS, string]>) {
    for (const sample of samplesOf(metrics, metric)) {
      const name = deviceName(sample);
      if (name === null || PARTITION.test(name) || IGNORED_DISK.test(name)) continue;
      if (!byName.has(name)) {
        if (field !== 'readsCompleted' || byName.size >= MAX_DEVICES) continue;
        byName.set(name, { name, readsCompleted: 0, sectorsRead: 0, writesCompleted: 0, sectorsWritten: 0, readMs: 0, writeMs: 0, ioMs: 0 });
      }
      const disk = byName.get(name);
      if (disk == null) continue;
      const scale = field === 'sectorsRead' || field === 'sectorsWritten' ? 1 / SECTOR_BYTES : field === 'ioMs' || field === 'readMs' || field === 'writeMs' ? 1000 : 1;
      const value = count(sample.value * scale);
      if (value === null) byName.set(name, null);
      else disk[field] = Math.round(value);
    }
  }
  return [...byName.values()].filter((disk): disk is DiskCounters => disk !== null && (disk.readsCompleted !== 0 || disk.writesCompleted !== 0));
}

/** node_uname_info, node_os_info and (with --collector.cpu.info) node_cpu_info; null without the uname. */
function readFacts(metrics: PrometheusText): HostFacts | null {
  const uname = metrics.samples.get('node_uname_info')?.[0]?.labels;
  const os = metrics.samples.get('node_os_info')?.[0]?.labels;
  const cpu = metrics.samples.get('node_cpu_info')?.[0]?.labels;
  const text = (value: string | undefined): string | null => {
    const cleaned = value === undefined ? '' : cleanText(value.trim()).slice(0, 200);
    return cleaned === '' ? null : cleaned;
  };
  const facts: HostFacts = {
    hostname: text(uname?.get('nodename')),
    kernel: text(uname?.get('release')),
    osName: text(os?.get('name')) ?? text(os?.get('id')),
    osVersion: text(os?.get('version_id')) ?? text(os?.get('version')),
    cpuModel: text(cpu?.get('model_name')),
    architecture: text(uname?.get('machine')),
  };
  return facts.hostname === null && facts.kernel === null ? null : facts;
}
