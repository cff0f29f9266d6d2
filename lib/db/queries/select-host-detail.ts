// One host as its page shows it: inventory place and status, facts, and the devices of its newest
// sample. Nothing here comes from inventory variables beyond the address and groups: no secrets.
import { sql } from 'kysely';
import type { CheckResult } from '../../checks/check-result.ts';
import type { DiskRate, FilesystemUsage, GpuReading, InterfaceRate, Pressure } from '../../collect/sample.ts';
import type { SnmpReport } from '../../snmp/poll-snmp.ts';
import type { HostStatus, VigilDb } from '../database.ts';
import { jsonList, numberOrNull, stringList } from './row-values.ts';
import { parseJson } from './stored-alert.ts';

export interface HostFactsDetail {
  hostname: string | null;
  osName: string | null;
  osVersion: string | null;
  kernel: string | null;
  cpuModel: string | null;
  architecture: string | null;
  /** From the newest sample. */
  cpuCount: number | null;
  memTotalBytes: number | null;
  swapTotalBytes: number | null;
  /** ISO 8601, by the worker's clock. */
  bootTime: string | null;
  uptimeSec: number | null;
  /** The host's clock minus the worker's at the newest sample, whole seconds; null where not known. */
  clockOffsetSec: number | null;
  /** When the facts were last collected, ISO 8601. */
  factsAt: string | null;
}

export interface HostLatestDevices {
  /** ISO 8601. */
  ts: string;
  /** Which source produced it: 'ssh' (the poll script) or 'node_exporter'; null if stored before Vigil recorded it. */
  source: string | null;
  filesystems: FilesystemUsage[];
  interfaces: InterfaceRate[];
  disks: DiskRate[];
  gpus: GpuReading[];
  pressure: Pressure | null;
  /** Sections the host did not provide in that poll. */
  missing: string[];
  /** The SNMP report of a printer or network device (vigil_source: snmp); null for other hosts. */
  device: SnmpReport | null;
}

/** The results of the host's service checks (vigil_checks) from its newest poll that ran them. */
export interface HostLatestChecks {
  /** ISO 8601: the sample's time, or the failed poll's end. */
  ts: string;
  /** true: the host's own poll failed at that time (its HTTP and TCP checks still ran; systemd ones may be absent). */
  pollFailed: boolean;
  results: CheckResult[];
}

export interface HostDetail {
  name: string;
  address: string;
  connection: string;
  groups: string[];
  /** Bastions the host is reached through, outermost first. */
  via: string[];
  /** vigil_parents: the hosts it is reached through on the network, whose outage covers its own. */
  parents: string[];
  intervalSec: number;
  status: HostStatus;
  statusReason: string | null;
  statusMessage: string | null;
  lastPollAt: string | null;
  lastSampleAt: string | null;
  removed: boolean;
  /**
   * Entries seen through another host's poll (migration 0016: a vCenter's hypervisors and VMs):
   * the inventory host polled for it, the power state its poll reported, and the entry that runs
   * it (a VM's hypervisor). All null for an inventory host.
   */
  parent: string | null;
  powerState: string | null;
  runsOn: string | null;
  facts: HostFactsDetail;
  latest: HostLatestDevices | null;
  /**
   * systemd's failed units from the newest full poll of the last day (light polls do not ask);
   * units null: systemd is not running there. Null when no full poll in that day.
   */
  failedUnits: { ts: string; units: string[] | null } | null;
  /** Null when the host has no checks (or none ran since migration 0015). */
  checks: HostLatestChecks | null;
}

/** How far back the newest full poll is looked for: full polls come about once a minute. */
const FULL_POLL_LOOKBACK = '1 day';

interface DetailRow {
  name: string;
  address: string;
  connection: string;
  groups: unknown;
  via: unknown;
  alerting: unknown;
  interval_sec: number;
  status: HostStatus;
  status_reason: string | null;
  status_message: string | null;
  last_poll_at: Date | string | null;
  last_sample_at: Date | string | null;
  last_sample_source: string | null;
  removed_at: Date | string | null;
  parent: string | null;
  power_state: string | null;
  runs_on: string | null;
  boot_time: Date | string | null;
  hostname: string | null;
  kernel: string | null;
  os_name: string | null;
  os_version: string | null;
  cpu_model: string | null;
  architecture: string | null;
  facts_at: Date | string | null;
  latest_ts: Date | string | null;
  cpu_count: number | string | null;
  mem_total_bytes: number | string | null;
  swap_total_bytes: number | string | null;
  uptime_sec: number | string | null;
  clock_offset_sec: number | string | null;
  filesystems: unknown;
  interfaces: unknown;
  disks: unknown;
  gpus: unknown;
  pressure: unknown;
  missing: unknown;
  checks: unknown;
  device: unknown;
  full_ts: Date | string | null;
  failed_units: unknown;
  failure_ts: Date | string | null;
  failure_checks: unknown;
}

/** Null when no host has that name. */
export async function selectHostDetail(db: VigilDb, name: string): Promise<HostDetail | null> {
  // The sample laterals walk the (host, ts) primary key backwards from the newest sample. A host
  // with checks has them in every sample, so the newest sample's are its latest, unless a failed
  // poll since carried some (poll_failures' (host, ts) key bounds that lookup to the host's newest).
  const result = await sql<DetailRow>`
    select h.name, h.address, h.connection, h.groups, h.via, h.alerting, h.interval_sec, h.status, h.status_reason, h.status_message,
      h.last_poll_at, h.last_sample_at, h.last_sample_source, h.removed_at, h.parent, h.power_state, h.runs_on, h.boot_time, h.hostname, h.kernel, h.os_name, h.os_version,
      h.cpu_model, h.architecture, h.facts_at,
      l.ts as latest_ts, l.cpu_count, l.mem_total_bytes, l.swap_total_bytes, l.uptime_sec, l.clock_offset_sec,
      l.filesystems, l.interfaces, l.disks, l.gpus, l.pressure, l.missing, l.checks, l.device,
      f.ts as full_ts, f.failed_units,
      pf.ts as failure_ts, pf.checks as failure_checks
    from hosts h
    left join lateral (
      select s.ts, s.cpu_count, s.mem_total_bytes, s.swap_total_bytes, s.uptime_sec, s.clock_offset_sec,
        s.filesystems, s.interfaces, s.disks, s.gpus, s.pressure, s.missing, s.checks, s.device
      from samples s where s.host = h.name order by s.ts desc limit 1
    ) l on true
    left join lateral (
      select p.ts, p.checks
      from poll_failures p where p.host = h.name order by p.ts desc limit 1
    ) pf on pf.checks is not null and (l.ts is null or pf.ts > l.ts)
    left join lateral (
      select s.ts, s.failed_units
      from samples s
      where s.host = h.name and s.processes is not null
        and s.ts >= l.ts - ${sql.lit(FULL_POLL_LOOKBACK)}::interval
      order by s.ts desc limit 1
    ) f on true
    where h.name = ${name}`.execute(db);
  const row = result.rows[0];
  if (row === undefined) return null;
  return {
    name: row.name,
    address: row.address,
    connection: row.connection,
    groups: stringList(row.groups),
    via: stringList(row.via),
    parents: parentsOf(row.alerting),
    intervalSec: row.interval_sec,
    status: row.status,
    statusReason: row.status_reason,
    statusMessage: row.status_message,
    lastPollAt: iso(row.last_poll_at),
    lastSampleAt: iso(row.last_sample_at),
    removed: row.removed_at !== null,
    parent: row.parent,
    powerState: row.power_state,
    runsOn: row.runs_on,
    facts: {
      hostname: row.hostname,
      osName: row.os_name,
      osVersion: row.os_version,
      kernel: row.kernel,
      cpuModel: row.cpu_model,
      architecture: row.architecture,
      cpuCount: numberOrNull(row.cpu_count),
      memTotalBytes: numberOrNull(row.mem_total_bytes),
      swapTotalBytes: numberOrNull(row.swap_total_bytes),
      bootTime: iso(row.boot_time),
      uptimeSec: numberOrNull(row.uptime_sec),
      clockOffsetSec: numberOrNull(row.clock_offset_sec),
      factsAt: iso(row.facts_at),
    },
    latest:
      row.latest_ts === null
        ? null
        : {
            ts: iso(row.latest_ts) ?? '',
            // The host row's source is the newest sample's, which `latest` is, as both follow last_sample_at.
            source: row.last_sample_source,
            filesystems: jsonList<FilesystemUsage>(row.filesystems),
            interfaces: jsonList<InterfaceRate>(row.interfaces),
            disks: jsonList<DiskRate>(row.disks),
            gpus: jsonList<GpuReading>(row.gpus),
            pressure: parseJson(row.pressure, null) as Pressure | null,
            missing: stringList(row.missing),
            device: parseJson(row.device, null) as SnmpReport | null,
          },
    failedUnits: row.full_ts === null ? null : { ts: iso(row.full_ts) ?? '', units: row.failed_units === null ? null : stringList(row.failed_units) },
    checks: latestChecks(row),
  };
}

function latestChecks(row: DetailRow): HostLatestChecks | null {
  // The lateral join keeps a failed poll's checks only when they are newer than the newest sample.
  if (row.failure_ts !== null) return { ts: iso(row.failure_ts) ?? '', pollFailed: true, results: jsonList<CheckResult>(row.failure_checks) };
  if (row.latest_ts === null || row.checks === null) return null;
  return { ts: iso(row.latest_ts) ?? '', pollFailed: false, results: jsonList<CheckResult>(row.checks) };
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** vigil_parents from the host's alerting settings (a json object column); [] without any. */
function parentsOf(alerting: unknown): string[] {
  const settings = parseJson(alerting, null);
  return typeof settings === 'object' && settings !== null && !Array.isArray(settings) ? stringList((settings as { parents?: unknown }).parents ?? null) : [];
}
