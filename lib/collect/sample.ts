// The typed result of one poll. Everything here is JSON-safe: it crosses the queue as JSON.
import type { CheckResult } from '../checks/check-result.ts';
import type { SnmpReport } from '../snmp/poll-snmp.ts';
import type { PollScriptKind } from './poll-script.ts';
import type { PollSource } from './source-from-vars.ts';

/** CPU time counters from one /proc/stat line, in USER_HZ ticks. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  guest: number;
  guestNice: number;
}

/** The kernel's operstate of a network interface (RFC 2863), as /sys/class/net/<name>/operstate says it. */
export type OperState = 'up' | 'down' | 'lowerlayerdown' | 'dormant' | 'testing' | 'notpresent' | 'unknown';

export interface InterfaceCounters {
  name: string;
  /** Its link state, where the script could read it (version 6 on; not from node_exporter). */
  operState?: OperState;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDrops: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDrops: number;
}

export interface FilesystemUsage {
  mount: string;
  device: string;
  /** From `df --output` (GNU); null where df cannot say (busybox). */
  fsType?: string | null;
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
  /** As `df` reports it: used / (used + available), in percent. */
  usedPct: number;
  /** Null where df cannot say or the filesystem has no inode limit (btrfs, vfat). */
  inodesUsedPct?: number | null;
}

/** One block device's /proc/diskstats counters. */
export interface DiskCounters {
  name: string;
  readsCompleted: number;
  sectorsRead: number;
  writesCompleted: number;
  sectorsWritten: number;
  /** Milliseconds the completed reads took, summed (each read from its start to its end). */
  readMs: number;
  /** Milliseconds the completed writes took, summed. */
  writeMs: number;
  /** Milliseconds the device had I/O in flight. */
  ioMs: number;
}

/** Pressure stall information of one resource: share of time some (or all) tasks stalled, in percent. */
export interface PressureAverages {
  avg10: number;
  avg60: number;
  avg300: number;
}

export interface ResourcePressure {
  some: PressureAverages;
  /** Null for cpu on kernels before 5.13, which print no "full" line. */
  full: PressureAverages | null;
}

export interface Pressure {
  cpu: ResourcePressure | null;
  io: ResourcePressure | null;
  memory: ResourcePressure | null;
}

/** One process from /proc/<pid>/stat and /proc/<pid>/cmdline. */
export interface ProcessCounters {
  pid: number;
  /** The kernel's 15-character name. */
  comm: string;
  /** The full command line, arguments joined by spaces; the comm in brackets for kernel threads. */
  command: string;
  state: string;
  ppid: number;
  /** utime + stime, in USER_HZ ticks. */
  cpuTicks: number;
  /** Start time after boot in ticks: with the pid, the process's identity across polls. */
  startTicks: number;
  rssBytes: number;
}

export interface GpuReading {
  index: number;
  uuid: string;
  name: string;
  utilizationPct: number | null;
  memoryUtilizationPct: number | null;
  memoryUsedBytes: number | null;
  memoryTotalBytes: number | null;
  temperatureC: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
}

/** What rarely changes about a host; stored on the host's row, not in every sample. */
export interface HostFacts {
  hostname: string | null;
  kernel: string | null;
  osName: string | null;
  osVersion: string | null;
  cpuModel: string | null;
  architecture: string | null;
}

/** node_exporter's node_context_switches_total, node_intr_total, node_forks_total and node_procs_blocked. */
export interface KernelActivity {
  /** `ctxt`: context switches since boot. */
  contextSwitches: number | null;
  /** `intr`'s first number: interrupts serviced since boot. */
  interrupts: number | null;
  /** `processes`: forks since boot. */
  forks: number | null;
  /** `procs_blocked`: tasks waiting for I/O now. */
  procsBlocked: number | null;
}

/**
 * What one run of the poll script said, parsed but not yet turned into rates.
 * The worker keeps the previous snapshot of each host to compute rates from counter deltas.
 * A section the host did not provide (missing file, unparseable text) is null and named in `missing`.
 */
export interface HostSnapshot {
  /**
   * Which script ran: a light poll does not collect processes, facts or failed units, so those are
   * null without being missing. Output of the scripts before version 3 counts as full.
   */
  script: PollScriptKind;
  /** Where it came from; absent: the poll script over SSH (or a local shell). */
  source?: PollSource;
  cpuTotal: CpuTimes | null;
  /** Per online CPU, in /proc/stat order. */
  cpuPerCore: CpuTimes[] | null;
  cpuCount: number | null;
  memory: {
    totalBytes: number;
    availableBytes: number;
    freeBytes: number;
    buffersBytes: number;
    cachedBytes: number;
    swapTotalBytes: number;
    swapFreeBytes: number;
  } | null;
  load: { load1: number; load5: number; load15: number; runnable: number; total: number } | null;
  /** Seconds since boot, from /proc/uptime: the host's own monotonic clock, used for rate deltas. */
  uptimeSec: number | null;
  /** /proc/stat's context switch, interrupt and fork counters and blocked tasks; absent or null where the source has none. */
  activity?: KernelActivity | null;
  interfaces: InterfaceCounters[] | null;
  /** When the host booted by its own clock, in whole seconds (/proc/stat's btime, node_boot_time_seconds); null: not said. Absent: a snapshot from before it was read. */
  hostBootTimeSec?: number | null;
  /** Interface names under /sys/devices/virtual/net (bridges, veths, tunnels, loopback); null if unknown. */
  virtualInterfaces: string[] | null;
  /** Null after a light poll (script version 5 on: no df) until carryFilesystems gives it the host's last ones. */
  filesystems: FilesystemUsage[] | null;
  /**
   * When `filesystems` were read, in milliseconds since the epoch by the worker's clock: the poll's
   * own time, or a full poll's before it for a light poll that carries them (carry-filesystems.ts);
   * null when there are none, or their time is not known. Absent: not stamped yet, i.e. as parsed,
   * read by the poll that produced the snapshot.
   */
  filesystemsAt?: number | null;
  disks: DiskCounters[] | null;
  pressure: Pressure | null;
  processes: ProcessCounters[] | null;
  /** Null where systemd is not running (or systemctl is absent). */
  failedUnits: string[] | null;
  /** Null where nvidia-smi is absent. */
  gpus: GpuReading[] | null;
  facts: HostFacts | null;
  /** The pid of the shell that ran the poll script: it and its children are left out of the process lists. */
  pollShellPid: number | null;
  /** `uname -s` of a host without /proc/stat; null on Linux. */
  unsupportedOs: string | null;
  missing: string[];
}

export interface InterfaceRate {
  name: string;
  rxBytesPerSec: number;
  txBytesPerSec: number;
  rxPacketsPerSec?: number;
  txPacketsPerSec?: number;
  /** Errors and drops since the previous poll (counts, not rates: they are rare and each matters). */
  rxErrors?: number;
  txErrors?: number;
  rxDrops?: number;
  txDrops?: number;
  loopback?: boolean;
  /** A software interface (bridge, veth, tunnel, bond, loopback): its traffic may repeat a physical one's. */
  virtual?: boolean;
  /** Its link state at the poll, where known: `down` is a cable pulled, a switch port off, a bond member lost. */
  operState?: OperState;
}

export interface DiskRate {
  name: string;
  readBytesPerSec: number;
  writeBytesPerSec: number;
  readIops: number;
  writeIops: number;
  /** Share of the interval the device had I/O in flight (iostat's %util). */
  busyPct: number;
  /**
   * Average milliseconds a read completed in the interval took, queueing included (iostat's
   * r_await; node_exporter's read_time over reads_completed); null when none completed. Absent
   * from samples stored before it was collected.
   */
  readLatencyMs?: number | null;
  /** The same for writes (iostat's w_await). */
  writeLatencyMs?: number | null;
}

/** CPU time split by mode since the previous poll, in percent of all CPUs' time; sums to 100. */
export interface CpuModes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  /** Part of user and nice (the kernel counts guest time in both). */
  guest: number;
}

export interface TopProcess {
  pid: number;
  /** Null: the script reads no owner (it would cost the host one more process per poll). */
  user: string | null;
  command: string;
  /**
   * CPU used since the previous poll, in percent of one CPU (top's %CPU; 200 = two busy cores).
   * On a host's first poll, and for a process started since, the average over its lifetime.
   */
  cpuPct: number;
  rssBytes: number;
}

export interface ProcessSummary {
  running: number;
  total: number;
  topCpu: TopProcess[];
  topMemory: TopProcess[];
  /** Processes whose command line matches each `vigil_processes` pattern (0 is the alert). */
  matches: Array<{ pattern: string; count: number }>;
}

/**
 * One stored sample: levels now, rates since the previous poll of the same host. Fields added after
 * the first release are optional: a worker of the previous version, still running during an upgrade,
 * publishes samples without them.
 */
export interface Sample {
  host: string;
  /** Milliseconds since the epoch, the worker's clock when the poll output arrived. */
  ts: number;
  cpuBusyPct: number | null;
  cpuCount: number | null;
  cpuModes?: CpuModes | null;
  perCoreBusyPct?: number[] | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  memUsedPct: number | null;
  memBuffersBytes?: number | null;
  memCachedBytes?: number | null;
  swapTotalBytes: number | null;
  swapUsedBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  /** load1 / cpuCount. */
  loadPerCore?: number | null;
  uptimeSec: number | null;
  /** Milliseconds since the epoch, the host's boot by the worker's clock (to the second). */
  bootTime?: number | null;
  /**
   * The host's clock minus the worker's, in whole seconds (btime plus uptime against the time the
   * output arrived: good to about a second); null where the host did not say its boot time.
   */
  clockOffsetSec?: number | null;
  /** Uptime went down since the previous poll of this host. */
  rebooted?: boolean;
  /** Sum over interfaces other than loopback. */
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  /** The fullest filesystem's used %, the figure an operator scans first. */
  diskUsedPctMax: number | null;
  /** Sums over whole disks. */
  diskReadBytesPerSec?: number | null;
  diskWriteBytesPerSec?: number | null;
  /**
   * The kernel's activity since the previous poll, per second, from /proc/stat (node_exporter's
   * node_context_switches_total, node_intr_total and node_forks_total; Zabbix's system.cpu.switches
   * and system.cpu.intr): null without a previous poll to compare, after a reboot, or where the
   * host has no such line. Absent from samples stored before they were collected.
   */
  contextSwitchesPerSec?: number | null;
  interruptsPerSec?: number | null;
  forksPerSec?: number | null;
  /** Tasks blocked waiting for I/O at the poll (/proc/stat's procs_blocked, node_procs_blocked). */
  processesBlocked?: number | null;
  /** After a light poll, which runs no df (script version 5 on): the host's filesystems as its last full poll read them. */
  filesystems: FilesystemUsage[];
  /**
   * When `filesystems` were read, in milliseconds since the epoch (worker's clock): `ts` after a full
   * poll, the last full poll's time after a light one; null when there are none to show or their
   * time is not known. Absent: from a source or worker version that read them on every poll, at `ts`.
   */
  filesystemsAt?: number | null;
  interfaces: InterfaceRate[];
  disks?: DiskRate[];
  /** Absent after a light poll, which does not collect them (see `pollScript`). */
  processes?: ProcessSummary | null;
  pressure?: Pressure | null;
  /** Absent after a light poll; null where systemd is not running. */
  failedUnits?: string[] | null;
  gpus?: GpuReading[] | null;
  /** Present on a host's first poll by this worker and whenever they change; null otherwise. */
  facts?: HostFacts | null;
  /** Sections that were absent or unparseable in this poll (e.g. "meminfo", "df"); never those the script did not collect. */
  missing: string[];
  /** The script that ran: 'light' collects no processes, facts or failed units. Absent: full (workers before version 3). */
  pollScript?: PollScriptKind;
  /** Which source produced it, for hosts with `vigil_source: node_exporter` (an SSH fallback says ssh); absent: ssh. */
  source?: PollSource;
  /** The host's service checks (vigil_checks) run with this poll; absent or null: the host has none (not collected). */
  checks?: CheckResult[] | null;
  /** The SNMP report of a printer or network device (vigil_source: snmp); absent or null: not collected. */
  device?: SnmpReport | null;
}
