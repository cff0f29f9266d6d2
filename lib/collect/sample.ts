// The typed result of one poll. Everything here is JSON-safe: it crosses the queue as JSON.

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

export interface InterfaceCounters {
  name: string;
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
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
  /** As `df` reports it: used / (used + available), in percent. */
  usedPct: number;
}

/**
 * What one run of the poll script said, parsed but not yet turned into rates.
 * The worker keeps the previous snapshot of each host to compute rates from counter deltas.
 * A section the host did not provide (missing file, unparseable text) is null and named in `missing`.
 */
export interface HostSnapshot {
  cpuTotal: CpuTimes | null;
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
  interfaces: InterfaceCounters[] | null;
  filesystems: FilesystemUsage[] | null;
  missing: string[];
}

export interface InterfaceRate {
  name: string;
  rxBytesPerSec: number;
  txBytesPerSec: number;
}

/** One stored sample: levels now, rates since the previous poll of the same host. */
export interface Sample {
  host: string;
  /** Milliseconds since the epoch, the worker's clock when the poll output arrived. */
  ts: number;
  cpuBusyPct: number | null;
  cpuCount: number | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  memUsedPct: number | null;
  swapTotalBytes: number | null;
  swapUsedBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  uptimeSec: number | null;
  /** Sum over interfaces other than loopback. */
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  /** The fullest filesystem's used %, the figure an operator scans first. */
  diskUsedPctMax: number | null;
  filesystems: FilesystemUsage[];
  interfaces: InterfaceRate[];
  /** Sections that were absent or unparseable in this poll (e.g. "meminfo", "df"). */
  missing: string[];
}
