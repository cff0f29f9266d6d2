// Which charts the host page draws, and what each holds, from one answer of the samples API.
// Pure data (no DOM, no uPlot) so that the CSV export writes exactly the columns the charts show.
import type { HostSeries } from '../../lib/db/queries/select-host-series.ts';

type Column = (number | null)[];

/** A colour of the theme: the custom property --vigil-<name> (web/src/app.css). */
export type ThemeColor = 'cpu' | 'mem' | 'rx' | 'tx' | 'warn' | 'crit' | 'up' | 'accent' | 'down' | 'unknown';

export type ChartUnit = 'percent' | 'bytesPerSec' | 'load' | 'celsius' | 'milliseconds' | 'count' | 'perSec';

export interface SeriesSpec {
  label: string;
  color: ThemeColor;
  values: Column;
  /** The right-hand axis, for a second unit in the same chart. */
  right?: boolean;
  /** The CSV column's name. */
  csv: string;
}

export interface ChartSpec {
  /** Stable across refetches, so that a chart is updated rather than rebuilt. */
  id: string;
  title: string;
  unit: ChartUnit;
  /** The right-hand axis's unit, when a series uses it. */
  rightUnit?: ChartUnit;
  /** Series drawn on top of each other (CPU modes: together, the busy share). */
  stacked?: boolean;
  /** Fixed top of the left axis (percentages). */
  max?: number;
  series: SeriesSpec[];
}

/** Per-device charts of one kind beyond this are left out (busiest first); the page says how many. */
export const MAX_DEVICE_CHARTS = 8;

const PALETTE: readonly ThemeColor[] = ['cpu', 'mem', 'rx', 'tx', 'warn', 'up', 'accent', 'crit'];

export interface ChartSpecs {
  charts: ChartSpec[];
  /** Devices not charted, per kind, because there were more than MAX_DEVICE_CHARTS. */
  hidden: { kind: string; names: string[] }[];
}

/** gpuNames: nvidia-smi index → model, from the host's detail, for the GPU charts' titles. */
export function buildChartSpecs(series: HostSeries, gpuNames: ReadonlyMap<string, string> = new Map()): ChartSpecs {
  const charts: ChartSpec[] = [
    {
      id: 'cpu',
      title: 'CPU',
      unit: 'percent',
      stacked: true,
      max: 100,
      series: [
        { label: 'user', color: 'cpu', values: series.cpuUserPct, csv: 'cpu_user_pct' },
        { label: 'nice', color: 'up', values: series.cpuNicePct, csv: 'cpu_nice_pct' },
        { label: 'system', color: 'mem', values: series.cpuSystemPct, csv: 'cpu_system_pct' },
        { label: 'iowait', color: 'warn', values: series.cpuIowaitPct, csv: 'cpu_iowait_pct' },
        { label: 'irq', color: 'tx', values: series.cpuIrqPct, csv: 'cpu_irq_pct' },
        { label: 'softirq', color: 'rx', values: series.cpuSoftirqPct, csv: 'cpu_softirq_pct' },
        { label: 'steal', color: 'crit', values: series.cpuStealPct, csv: 'cpu_steal_pct' },
      ],
    },
    {
      id: 'memory',
      title: 'Memory and swap',
      unit: 'percent',
      max: 100,
      series: [
        { label: 'memory used', color: 'mem', values: series.memUsedPct, csv: 'mem_used_pct' },
        { label: 'swap used', color: 'warn', values: series.swapUsedPct, csv: 'swap_used_pct' },
      ],
    },
    {
      id: 'load',
      title: 'Load',
      unit: 'load',
      series: [
        { label: '1 min', color: 'cpu', values: series.load1, csv: 'load1' },
        { label: '5 min', color: 'mem', values: series.load5, csv: 'load5' },
        { label: '15 min', color: 'tx', values: series.load15, csv: 'load15' },
        { label: 'per core', color: 'warn', values: series.loadPerCore, csv: 'load_per_core' },
      ],
    },
    {
      id: 'network',
      title: 'Network, all interfaces',
      unit: 'bytesPerSec',
      series: [
        { label: 'received', color: 'rx', values: series.netRxBytesPerSec, csv: 'net_rx_bytes_per_sec' },
        { label: 'sent', color: 'tx', values: series.netTxBytesPerSec, csv: 'net_tx_bytes_per_sec' },
      ],
    },
    {
      id: 'disk-io',
      title: 'Disk I/O, all disks',
      unit: 'bytesPerSec',
      series: [
        { label: 'read', color: 'rx', values: series.diskReadBytesPerSec, csv: 'disk_read_bytes_per_sec' },
        { label: 'written', color: 'tx', values: series.diskWriteBytesPerSec, csv: 'disk_write_bytes_per_sec' },
      ],
    },
  ];
  // node_exporter's and Zabbix's kernel activity. Left out while the range holds none of it: samples
  // stored before it was collected, and entries that are no Linux host (printers, a vCenter's VMs).
  pushIfAnyValue(charts, {
    id: 'kernel-activity',
    title: 'Context switches and interrupts',
    unit: 'perSec',
    series: [
      { label: 'context switches', color: 'cpu', values: series.contextSwitchesPerSec, csv: 'context_switches_per_sec' },
      { label: 'interrupts', color: 'tx', values: series.interruptsPerSec, csv: 'interrupts_per_sec' },
    ],
  });
  pushIfAnyValue(charts, {
    id: 'forks-blocked',
    title: 'Forks and tasks blocked on I/O',
    unit: 'perSec',
    rightUnit: 'count',
    series: [
      { label: 'forks', color: 'accent', values: series.forksPerSec, csv: 'forks_per_sec' },
      { label: 'blocked on I/O', color: 'warn', values: series.processesBlocked, right: true, csv: 'processes_blocked' },
    ],
  });
  const hidden: ChartSpecs['hidden'] = [];

  if (series.filesystems.length > 0) {
    charts.push({
      id: 'filesystems',
      title: 'Filesystems used',
      unit: 'percent',
      max: 100,
      series: series.filesystems.map((fs, i) => ({ label: fs.name, color: PALETTE[i % PALETTE.length] ?? 'accent', values: fs.usedPct, csv: `fs[${fs.name}]_used_pct` })),
    });
  }

  const disks = busiest(series.disks, (d) => [d.readBytesPerSec, d.writeBytesPerSec], 'disks', hidden);
  for (const disk of disks) {
    charts.push({
      id: `disk:${disk.name}`,
      title: `Disk ${disk.name}`,
      unit: 'bytesPerSec',
      rightUnit: 'percent',
      series: [
        { label: 'read', color: 'rx', values: disk.readBytesPerSec, csv: `disk[${disk.name}]_read_bytes_per_sec` },
        { label: 'written', color: 'tx', values: disk.writeBytesPerSec, csv: `disk[${disk.name}]_write_bytes_per_sec` },
        { label: 'busy', color: 'warn', values: disk.busyPct, right: true, csv: `disk[${disk.name}]_busy_pct` },
      ],
    });
    // Its own chart, a third unit: left out while the range holds no latency (samples stored before it was collected).
    pushIfAnyValue(charts, {
      id: `disk-latency:${disk.name}`,
      title: `Disk ${disk.name} latency`,
      unit: 'milliseconds',
      series: [
        { label: 'read', color: 'rx', values: disk.readLatencyMs, csv: `disk[${disk.name}]_read_latency_ms` },
        { label: 'write', color: 'tx', values: disk.writeLatencyMs, csv: `disk[${disk.name}]_write_latency_ms` },
      ],
    });
  }

  const interfaces = busiest(series.interfaces, (i) => [i.rxBytesPerSec, i.txBytesPerSec], 'interfaces', hidden);
  for (const nic of interfaces) {
    charts.push({
      id: `net:${nic.name}`,
      title: `Interface ${nic.name}`,
      unit: 'bytesPerSec',
      series: [
        { label: 'received', color: 'rx', values: nic.rxBytesPerSec, csv: `net[${nic.name}]_rx_bytes_per_sec` },
        { label: 'sent', color: 'tx', values: nic.txBytesPerSec, csv: `net[${nic.name}]_tx_bytes_per_sec` },
      ],
    });
  }

  for (const gpu of series.gpus) {
    const model = gpuNames.get(gpu.name);
    charts.push({
      id: `gpu:${gpu.name}`,
      title: model === undefined ? `GPU ${gpu.name}` : `GPU ${gpu.name} (${model})`,
      unit: 'percent',
      rightUnit: 'celsius',
      max: 100,
      series: [
        { label: 'utilisation', color: 'cpu', values: gpu.utilizationPct, csv: `gpu[${gpu.name}]_utilization_pct` },
        { label: 'memory used', color: 'mem', values: gpu.memoryUsedPct, csv: `gpu[${gpu.name}]_memory_used_pct` },
        { label: 'temperature', color: 'crit', values: gpu.temperatureC, right: true, csv: `gpu[${gpu.name}]_temperature_c` },
      ],
    });
  }
  return { charts, hidden };
}

/** Charts a figure collected only by some hosts, or only since some version, where the range holds any of it. */
function pushIfAnyValue(charts: ChartSpec[], chart: ChartSpec): void {
  if (chart.series.some((s) => s.values.some((v) => v !== null))) charts.push(chart);
}

/** The MAX_DEVICE_CHARTS devices with the most traffic, in name order; the others go to `hidden`. */
function busiest<T extends { name: string }>(devices: readonly T[], columns: (device: T) => Column[], kind: string, hidden: ChartSpecs['hidden']): T[] {
  if (devices.length <= MAX_DEVICE_CHARTS) return [...devices];
  // Summed once per device, not per comparison: this runs on every live update of the charts.
  const totals = new Map(devices.map((device) => [device, columns(device).reduce((sum, column) => sum + column.reduce<number>((s, v) => s + (v ?? 0), 0), 0)]));
  const ranked = [...devices].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0));
  const shown = new Set(ranked.slice(0, MAX_DEVICE_CHARTS));
  hidden.push({ kind, names: ranked.slice(MAX_DEVICE_CHARTS).map((d) => d.name) });
  return devices.filter((d) => shown.has(d));
}
