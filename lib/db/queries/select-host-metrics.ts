// Every current host with the figures of its newest sample, for the Prometheus exposition of
// host metrics (lib/metrics/host-metrics-text.ts): what a Prometheus server scrapes from Vigil in
// place of a node_exporter on each host.
import { sql } from 'kysely';
import type { CheckResult } from '../../checks/check-result.ts';
import type { CpuModes, DiskRate, FilesystemUsage, GpuReading, InterfaceRate, Pressure } from '../../collect/sample.ts';
import type { HostStatus, VigilDb } from '../database.ts';
import { jsonList, numberOrNull, stringList } from './row-values.ts';
import { parseJson, toMsOrNull } from './stored-alert.ts';

/** The newest sample's figures; each null where the sample has none. */
export interface HostMetricsSample {
  /** Milliseconds since the epoch. */
  ts: number;
  cpuBusyPct: number | null;
  cpuCount: number | null;
  cpuModes: CpuModes | null;
  perCoreBusyPct: number[];
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  memBuffersBytes: number | null;
  memCachedBytes: number | null;
  swapTotalBytes: number | null;
  swapUsedBytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  uptimeSec: number | null;
  processesBlocked: number | null;
  contextSwitchesPerSec: number | null;
  interruptsPerSec: number | null;
  forksPerSec: number | null;
  clockOffsetSec: number | null;
  filesystems: FilesystemUsage[];
  interfaces: InterfaceRate[];
  disks: DiskRate[];
  gpus: GpuReading[];
  pressure: Pressure | null;
  checks: CheckResult[];
}

export interface HostMetricsRow {
  name: string;
  /** The inventory groups the host is in, ancestors included. */
  groups: string[];
  status: HostStatus;
  intervalSec: number;
  /** The host polled for this entry (a vCenter's VM, a KVM host's guest); null for inventory hosts. */
  parent: string | null;
  hostname: string | null;
  osName: string | null;
  osVersion: string | null;
  kernel: string | null;
  architecture: string | null;
  cpuModel: string | null;
  /** Milliseconds since the epoch. */
  bootTime: number | null;
  /** Null when the host's newest sample is stale (STALE_AFTER_INTERVALS) or it has none. */
  latest: HostMetricsSample | null;
}

export interface SelectHostMetricsArgs {
  /** Only hosts in at least one of these groups; all hosts when absent or empty. */
  groups?: readonly string[];
  /** Milliseconds since the epoch: what "newest" and "stale" are measured from. */
  now: number;
}

/**
 * A sample older than this many of the host's intervals (and than MIN_STALE_SEC) is not shown as its
 * present state: three polls missed, as Prometheus stops showing a target's series once its scrapes fail.
 */
export const STALE_AFTER_INTERVALS = 3;
export const MIN_STALE_SEC = 60;

/** The sample's plain number figures, by field and column: what the query, the row and the mapping share. */
const NUMBER_COLUMNS = {
  cpuBusyPct: 'cpu_busy_pct',
  cpuCount: 'cpu_count',
  memTotalBytes: 'mem_total_bytes',
  memAvailableBytes: 'mem_available_bytes',
  memBuffersBytes: 'mem_buffers_bytes',
  memCachedBytes: 'mem_cached_bytes',
  swapTotalBytes: 'swap_total_bytes',
  swapUsedBytes: 'swap_used_bytes',
  load1: 'load1',
  load5: 'load5',
  load15: 'load15',
  uptimeSec: 'uptime_sec',
  processesBlocked: 'processes_blocked',
  contextSwitchesPerSec: 'context_switches_per_sec',
  interruptsPerSec: 'interrupts_per_sec',
  forksPerSec: 'forks_per_sec',
  clockOffsetSec: 'clock_offset_sec',
} as const satisfies { [K in keyof HostMetricsSample]?: string };
type NumberField = keyof typeof NUMBER_COLUMNS;
const NUMBER_ENTRIES = Object.entries(NUMBER_COLUMNS) as Array<[NumberField, (typeof NUMBER_COLUMNS)[NumberField]]>;

interface HostColumns {
  name: string;
  groups: unknown;
  status: HostStatus;
  interval_sec: number;
  parent: string | null;
  hostname: string | null;
  os_name: string | null;
  os_version: string | null;
  kernel: string | null;
  architecture: string | null;
  cpu_model: string | null;
  boot_time: Date | string | null;
  latest_ts: Date | string | null;
  cpu_modes: unknown;
  per_core_busy_pct: unknown;
  filesystems: unknown;
  interfaces: unknown;
  disks: unknown;
  gpus: unknown;
  pressure: unknown;
  checks: unknown;
}
/** pg returns bigint and numeric columns as strings. */
type Row = HostColumns & Record<(typeof NUMBER_COLUMNS)[NumberField], number | string | null>;

/** Hosts still in the inventory (and entries seen through them), by name. */
export async function selectHostMetrics(db: VigilDb, args: SelectHostMetricsArgs): Promise<HostMetricsRow[]> {
  const groups = args.groups ?? [];
  const inGroups = groups.length === 0 ? sql`true` : sql`h.groups ?| array[${sql.join(groups)}]::text[]`;
  // One lateral lookup per host down the (host, ts) primary key, bounded by the staleness cut-off:
  // a host silent for a while costs one index probe, not a walk through its history.
  const result = await sql<Row>`
    select h.name, h.groups, h.status, h.interval_sec, h.parent, h.hostname, h.os_name, h.os_version, h.kernel, h.architecture,
      h.cpu_model, h.boot_time, l.*
    from hosts h
    left join lateral (
      select s.ts as latest_ts, ${sql.join(NUMBER_ENTRIES.map(([, column]) => sql.ref(`s.${column}`)))},
        s.cpu_modes, s.per_core_busy_pct, s.filesystems, s.interfaces, s.disks, s.gpus, s.pressure, s.checks
      from samples s
      where s.host = h.name
        and s.ts >= ${new Date(args.now)}::timestamptz - make_interval(secs => greatest(${sql.lit(STALE_AFTER_INTERVALS)} * h.interval_sec, ${sql.lit(MIN_STALE_SEC)}))
      order by s.ts desc limit 1
    ) l on true
    where h.removed_at is null and ${inGroups}
    order by h.name`.execute(db);
  return result.rows.map(hostMetricsRow);
}

function hostMetricsRow(row: Row): HostMetricsRow {
  const latestTs = toMsOrNull(row.latest_ts);
  return {
    name: row.name,
    groups: stringList(row.groups),
    status: row.status,
    intervalSec: row.interval_sec,
    parent: row.parent,
    hostname: row.hostname,
    osName: row.os_name,
    osVersion: row.os_version,
    kernel: row.kernel,
    architecture: row.architecture,
    cpuModel: row.cpu_model,
    bootTime: toMsOrNull(row.boot_time),
    latest:
      latestTs === null
        ? null
        : {
            ts: latestTs,
            ...numberFields(row),
            cpuModes: parseJson(row.cpu_modes, null) as CpuModes | null,
            perCoreBusyPct: jsonList<number>(row.per_core_busy_pct),
            filesystems: jsonList<FilesystemUsage>(row.filesystems),
            interfaces: jsonList<InterfaceRate>(row.interfaces),
            disks: jsonList<DiskRate>(row.disks),
            gpus: jsonList<GpuReading>(row.gpus),
            pressure: parseJson(row.pressure, null) as Pressure | null,
            checks: jsonList<CheckResult>(row.checks),
          },
  };
}

function numberFields(row: Row): Record<NumberField, number | null> {
  const fields = {} as Record<NumberField, number | null>;
  for (const [field, column] of NUMBER_ENTRIES) fields[field] = numberOrNull(row[column]);
  return fields;
}
