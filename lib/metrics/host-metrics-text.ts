// The hosts' newest figures in the Prometheus text format (version 0.0.4), so that a Prometheus
// server can scrape Vigil in place of a node_exporter on every host. Vigil stores rates and
// levels, not the kernel's counters, so every family is a gauge: rates are `_per_second`,
// percentages are ratios from 0 to 1, and times are seconds, as Prometheus names them.
//
// No sample carries a timestamp: Prometheus stamps the scrape, and a host's series end (go stale)
// when its figures drop out of the answer. `vigil_host_sample_timestamp_seconds` says how old they are.
import type { HostMetricsRow, HostMetricsSample } from '../db/queries/select-host-metrics.ts';

export const HOST_METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Writes one series of the family being rendered: its labels beyond `host`, and its value. */
type Emit = (labels: ReadonlyArray<readonly [string, string | number]>, value: number | null | undefined) => void;

interface Family {
  name: string;
  help: string;
  /** Emits the host's series of this family (none for a value it lacks). */
  collect(host: HostMetricsRow, emit: Emit): void;
}

const NO_LABELS: ReadonlyArray<readonly [string, string]> = [];

/** A family with one series per host, from the newest sample. */
function ofSample(name: string, help: string, value: (latest: HostMetricsSample) => number | null | undefined): Family {
  return { name, help, collect: (host, emit) => host.latest !== null && emit(NO_LABELS, value(host.latest)) };
}

/** A family with one series per device of the newest sample (a filesystem, an interface…). */
function ofDevices<T>(
  name: string, help: string, devices: (latest: HostMetricsSample) => readonly T[],
  labels: (device: T) => ReadonlyArray<readonly [string, string | number]>, value: (device: T) => number | null | undefined,
): Family {
  return {
    name,
    help,
    collect: (host, emit) => {
      if (host.latest === null) return;
      for (const device of devices(host.latest)) emit(labels(device), value(device));
    },
  };
}

/** Percent to a ratio, without the float tail a division leaves (0.7578000000000001). */
function ratio(percent: number | null | undefined): number | null {
  return percent == null ? null : Number((percent / 100).toPrecision(12));
}

function seconds(ms: number | null | undefined): number | null {
  return ms == null ? null : Number((ms / 1000).toPrecision(12));
}

const filesystemLabels = (fs: HostMetricsSample['filesystems'][number]): Array<[string, string]> => [
  ['mountpoint', fs.mount], ['device', fs.device], ...(fs.fsType ? [['fstype', fs.fsType] as [string, string]] : []),
];
const deviceLabel = (device: { name: string }): Array<[string, string]> => [['device', device.name]];
const gpuLabels = (gpu: HostMetricsSample['gpus'][number]): Array<[string, string | number]> => [['gpu', gpu.index], ['uuid', gpu.uuid], ['name', gpu.name]];
const checkLabels = (check: HostMetricsSample['checks'][number]): Array<[string, string]> => [['check', check.id], ['kind', check.kind]];

const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest'] as const;
const PRESSURE_RESOURCES = ['cpu', 'io', 'memory'] as const;
const PRESSURE_WINDOWS = [['10s', 'avg10'], ['60s', 'avg60'], ['300s', 'avg300']] as const;

export const HOST_METRIC_FAMILIES: readonly Family[] = [
  {
    name: 'vigil_host_up',
    help: 'Whether the latest poll of the host succeeded (1) or failed (0); absent before its first poll.',
    collect: (host, emit) => host.status !== 'unknown' && emit(NO_LABELS, host.status === 'up' ? 1 : 0),
  },
  {
    name: 'vigil_host_info',
    help: 'Always 1: the host\'s facts and inventory groups (",a,b,": match one with =~".*,web,.*") as labels.',
    collect: (host, emit) => {
      const labels: Array<[string, string]> = [['groups', `,${host.groups.join(',')},`]];
      for (const [label, value] of [
        ['parent', host.parent], ['hostname', host.hostname], ['os', host.osName], ['os_version', host.osVersion],
        ['kernel', host.kernel], ['architecture', host.architecture], ['cpu_model', host.cpuModel],
      ] as const) {
        if (value !== null && value !== '') labels.push([label, value]);
      }
      emit(labels, 1);
    },
  },
  {
    name: 'vigil_host_poll_interval_seconds',
    help: 'Seconds between polls of the host (vigil_interval).',
    collect: (host, emit) => emit(NO_LABELS, host.intervalSec),
  },
  ofSample('vigil_host_sample_timestamp_seconds', 'When the newest sample, whose figures these are, was taken (Unix time).', (l) => l.ts / 1000),
  {
    name: 'vigil_host_boot_time_seconds',
    help: 'When the host booted (Unix time, by the worker\'s clock).',
    collect: (host, emit) => host.bootTime !== null && emit(NO_LABELS, host.bootTime / 1000),
  },
  ofSample('vigil_host_uptime_seconds', 'Seconds since the host booted.', (l) => l.uptimeSec),
  ofSample('vigil_host_cpus', 'Online CPUs.', (l) => l.cpuCount),
  ofSample('vigil_host_cpu_busy_ratio', 'Share of CPU time not idle (iowait counted idle) since the previous poll, 0 to 1.', (l) => ratio(l.cpuBusyPct)),
  {
    name: 'vigil_host_cpu_mode_ratio',
    help: 'Share of CPU time spent in each mode since the previous poll, 0 to 1 (guest is part of user).',
    collect: (host, emit) => {
      const modes = host.latest?.cpuModes;
      if (modes == null) return;
      for (const mode of CPU_MODES) emit([['mode', mode]], ratio(modes[mode]));
    },
  },
  {
    name: 'vigil_host_cpu_core_busy_ratio',
    help: 'Share of each CPU\'s time not idle since the previous poll, 0 to 1.',
    collect: (host, emit) => host.latest?.perCoreBusyPct.forEach((busy, cpu) => emit([['cpu', cpu]], ratio(busy))),
  },
  ofSample('vigil_host_load1', '1-minute load average.', (l) => l.load1),
  ofSample('vigil_host_load5', '5-minute load average.', (l) => l.load5),
  ofSample('vigil_host_load15', '15-minute load average.', (l) => l.load15),
  ofSample('vigil_host_memory_total_bytes', 'MemTotal.', (l) => l.memTotalBytes),
  ofSample('vigil_host_memory_available_bytes', 'MemAvailable: what can be allocated without swapping.', (l) => l.memAvailableBytes),
  ofSample('vigil_host_memory_buffers_bytes', 'Buffers.', (l) => l.memBuffersBytes),
  ofSample('vigil_host_memory_cached_bytes', 'Cached (page cache).', (l) => l.memCachedBytes),
  ofSample('vigil_host_swap_total_bytes', 'SwapTotal.', (l) => l.swapTotalBytes),
  ofSample('vigil_host_swap_used_bytes', 'SwapTotal minus SwapFree.', (l) => l.swapUsedBytes),
  ofSample('vigil_host_processes_blocked', 'Tasks blocked on I/O (procs_blocked).', (l) => l.processesBlocked),
  ofSample('vigil_host_clock_offset_seconds', 'The host\'s clock minus the worker\'s when its poll answered, whole seconds (btime plus uptime).', (l) => l.clockOffsetSec),
  ofSample('vigil_host_context_switches_per_second', 'Context switches per second since the previous poll.', (l) => l.contextSwitchesPerSec),
  ofSample('vigil_host_interrupts_per_second', 'Interrupts serviced per second since the previous poll.', (l) => l.interruptsPerSec),
  ofSample('vigil_host_forks_per_second', 'Processes and threads created per second since the previous poll.', (l) => l.forksPerSec),
  ofDevices('vigil_host_filesystem_size_bytes', 'Filesystem size.', (l) => l.filesystems, filesystemLabels, (fs) => fs.sizeBytes),
  ofDevices('vigil_host_filesystem_used_bytes', 'Filesystem space used.', (l) => l.filesystems, filesystemLabels, (fs) => fs.usedBytes),
  ofDevices('vigil_host_filesystem_avail_bytes', 'Filesystem space available to unprivileged users.', (l) => l.filesystems, filesystemLabels, (fs) => fs.availableBytes),
  ofDevices('vigil_host_filesystem_used_ratio', 'Used over used plus available, as df reports it, 0 to 1.', (l) => l.filesystems, filesystemLabels, (fs) => ratio(fs.usedPct)),
  ofDevices('vigil_host_filesystem_inodes_used_ratio', 'Inodes used, 0 to 1; absent where the filesystem has no inode limit.', (l) => l.filesystems, filesystemLabels, (fs) => ratio(fs.inodesUsedPct)),
  ofDevices('vigil_host_network_receive_bytes_per_second', 'Bytes received per second since the previous poll.', (l) => l.interfaces, deviceLabel, (i) => i.rxBytesPerSec),
  ofDevices('vigil_host_network_transmit_bytes_per_second', 'Bytes sent per second since the previous poll.', (l) => l.interfaces, deviceLabel, (i) => i.txBytesPerSec),
  ofDevices('vigil_host_network_receive_packets_per_second', 'Packets received per second since the previous poll.', (l) => l.interfaces, deviceLabel, (i) => i.rxPacketsPerSec),
  ofDevices('vigil_host_network_transmit_packets_per_second', 'Packets sent per second since the previous poll.', (l) => l.interfaces, deviceLabel, (i) => i.txPacketsPerSec),
  ofDevices('vigil_host_network_receive_errors', 'Receive errors since the previous poll.', (l) => l.interfaces, deviceLabel, (i) => i.rxErrors),
  ofDevices('vigil_host_network_transmit_errors', 'Transmit errors since the previous poll.', (l) => l.interfaces, deviceLabel, (i) => i.txErrors),
  ofDevices('vigil_host_network_receive_drops', 'Received packets dropped since the previous poll.', (l) => l.interfaces, deviceLabel, (i) => i.rxDrops),
  ofDevices('vigil_host_network_transmit_drops', 'Packets to send dropped since the previous poll.', (l) => l.interfaces, deviceLabel, (i) => i.txDrops),
  // node_exporter's node_network_up: 1 when the kernel's operstate is "up", 0 otherwise.
  ofDevices('vigil_host_network_up', 'Whether the interface\'s link is up (its operstate is "up"), 1 or 0.', (l) => l.interfaces, deviceLabel, (i) => (i.operState === undefined ? null : i.operState === 'up' ? 1 : 0)),
  ofDevices('vigil_host_disk_read_bytes_per_second', 'Bytes read per second since the previous poll.', (l) => l.disks, deviceLabel, (d) => d.readBytesPerSec),
  ofDevices('vigil_host_disk_written_bytes_per_second', 'Bytes written per second since the previous poll.', (l) => l.disks, deviceLabel, (d) => d.writeBytesPerSec),
  ofDevices('vigil_host_disk_reads_per_second', 'Reads completed per second since the previous poll.', (l) => l.disks, deviceLabel, (d) => d.readIops),
  ofDevices('vigil_host_disk_writes_per_second', 'Writes completed per second since the previous poll.', (l) => l.disks, deviceLabel, (d) => d.writeIops),
  ofDevices('vigil_host_disk_busy_ratio', 'Share of the time the device had I/O in flight (iostat %util), 0 to 1.', (l) => l.disks, deviceLabel, (d) => ratio(d.busyPct)),
  ofDevices('vigil_host_disk_read_latency_seconds', 'Average time a read completed since the previous poll took (iostat r_await).', (l) => l.disks, deviceLabel, (d) => seconds(d.readLatencyMs)),
  ofDevices('vigil_host_disk_write_latency_seconds', 'Average time a write completed since the previous poll took (iostat w_await).', (l) => l.disks, deviceLabel, (d) => seconds(d.writeLatencyMs)),
  {
    name: 'vigil_host_pressure_ratio',
    help: 'Pressure stall information: share of time some (or all) tasks stalled on the resource, averaged over the window, 0 to 1.',
    collect: (host, emit) => {
      const pressure = host.latest?.pressure;
      if (pressure == null) return;
      for (const resource of PRESSURE_RESOURCES) {
        const stalls = pressure[resource];
        if (stalls == null) continue;
        for (const [kind, averages] of [['some', stalls.some], ['full', stalls.full]] as const) {
          if (averages === null) continue;
          for (const [window, field] of PRESSURE_WINDOWS) emit([['resource', resource], ['kind', kind], ['window', window]], ratio(averages[field]));
        }
      }
    },
  },
  ofDevices('vigil_host_gpu_utilization_ratio', 'GPU utilization, 0 to 1.', (l) => l.gpus, gpuLabels, (g) => ratio(g.utilizationPct)),
  ofDevices('vigil_host_gpu_memory_used_bytes', 'GPU memory used.', (l) => l.gpus, gpuLabels, (g) => g.memoryUsedBytes),
  ofDevices('vigil_host_gpu_memory_total_bytes', 'GPU memory.', (l) => l.gpus, gpuLabels, (g) => g.memoryTotalBytes),
  ofDevices('vigil_host_gpu_temperature_celsius', 'GPU temperature.', (l) => l.gpus, gpuLabels, (g) => g.temperatureC),
  ofDevices('vigil_host_gpu_power_draw_watts', 'GPU power draw.', (l) => l.gpus, gpuLabels, (g) => g.powerDrawW),
  ofDevices('vigil_host_gpu_power_limit_watts', 'GPU power limit.', (l) => l.gpus, gpuLabels, (g) => g.powerLimitW),
  ofDevices('vigil_host_check_up', 'Whether the service check (vigil_checks) passed (1) or failed (0) at the newest poll.', (l) => l.checks, checkLabels, (c) => (c.ok ? 1 : 0)),
  ofDevices('vigil_host_check_latency_seconds', 'TCP: time to connect; HTTP: time to the end of the body.', (l) => l.checks, checkLabels, (c) => seconds(c.latencyMs)),
  ofDevices('vigil_host_check_http_status_code', 'The HTTP status code the check received.', (l) => l.checks, checkLabels, (c) => c.statusCode),
  ofDevices(
    'vigil_host_check_certificate_remaining_seconds',
    'Time until the peer certificate expires, in whole days (negative once expired): divide by 86400 for the days.',
    (l) => l.checks, checkLabels, (c) => (c.certDaysLeft == null ? null : c.certDaysLeft * 86_400),
  ),
];

/**
 * Hosts per chunk of a family's text. A stream takes one chunk at a time, so this bounds how long
 * building the answer holds the event loop before other requests get a turn: with a whole family
 * per chunk, a scrape of 10,000 hosts held it for up to about a second at a time, with 250 hosts
 * 82 ms (BENCHMARKS.md, bench:host-metrics).
 */
export const HOSTS_PER_CHUNK = 250;

/**
 * The exposition of `hosts` in chunks of a family's series for HOSTS_PER_CHUNK hosts, in order (the
 * format wants a family's series together), so that a fleet's answer is streamed rather than built
 * whole. Families no host has a series of are left out.
 */
export function* renderHostMetrics(hosts: readonly HostMetricsRow[]): Generator<string, void, undefined> {
  // Escaped once per host, not once per family: a fleet's answer has some sixty families.
  const hostLabels = hosts.map((host) => `host="${escapeLabelValue(host.name)}"`);
  for (const family of HOST_METRIC_FAMILIES) {
    let header = `# HELP ${family.name} ${family.help}\n# TYPE ${family.name} gauge\n`;
    let text = '';
    let prefix = '';
    const emit: Emit = (labels, value) => {
      if (value == null || !Number.isFinite(value)) return;
      let line = prefix;
      for (const [label, labelValue] of labels) line += `,${label}="${escapeLabelValue(String(labelValue))}"`;
      text += `${line}} ${value}\n`;
    };
    for (let start = 0; start < hosts.length; start += HOSTS_PER_CHUNK) {
      const end = Math.min(hosts.length, start + HOSTS_PER_CHUNK);
      for (let i = start; i < end; i++) {
        prefix = `${family.name}{${hostLabels[i]}`;
        family.collect(hosts[i] as HostMetricsRow, emit);
      }
      if (text === '') continue;
      yield header + text;
      header = '';
      text = '';
    }
  }
}

/** The text format's escapes in a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}
