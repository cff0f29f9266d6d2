// The fleet overview: every host with the headline figures of its newest sample.
import { sql } from 'kysely';
import type { HostStatus, VigilDb } from '../database.ts';
import { numberOrNull, stringList } from './row-values.ts';

export interface HostLatestSample {
  /** Milliseconds since the epoch. */
  ts: number;
  cpuBusyPct: number | null;
  memUsedPct: number | null;
  diskUsedPctMax: number | null;
  netRxBytesPerSec: number | null;
  netTxBytesPerSec: number | null;
  load1: number | null;
  uptimeSec: number | null;
  memTotalBytes: number | null;
}

export interface HostOverview {
  name: string;
  address: string;
  groups: string[];
  status: HostStatus;
  statusReason: string | null;
  statusMessage: string | null;
  /** ISO 8601. */
  lastSampleAt: string | null;
  removed: boolean;
  latest: HostLatestSample | null;
  /**
   * The inventory host this entry is polled through (a vCenter's hypervisor or VM, migration 0016).
   * Only on such entries: an inventory host's overview keeps its shape.
   */
  parent?: string;
  /** The entry running this one (a VM's hypervisor, `<parent>/<name>`), only where its parent said; the overview nests the VM under it. */
  runsOn?: string;
}

export interface ListHostsFilter {
  /** Only hosts whose changed_xid (migration 0009) this snapshot ("xmin:xmax:xip,…") did not see. */
  changedAfterSnapshot?: string;
}

export async function listHosts(db: VigilDb, filter: ListHostsFilter = {}): Promise<HostOverview[]> {
  // One round trip: the lateral subquery walks the (host, ts) primary key backwards, one row per host,
  // so the cost grows with the number of hosts, not with the history kept.
  let query = db
    .selectFrom('hosts')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('samples')
          .select([
            'samples.ts',
            'samples.cpu_busy_pct',
            'samples.mem_used_pct',
            'samples.disk_used_pct_max',
            'samples.net_rx_bps',
            'samples.net_tx_bps',
            'samples.load1',
            'samples.uptime_sec',
            'samples.mem_total_bytes',
          ])
          .whereRef('samples.host', '=', 'hosts.name')
          .orderBy('samples.ts', 'desc')
          .limit(1)
          .as('latest'),
      (join) => join.on(sql<boolean>`true`),
    )
    .select([
      'hosts.name',
      'hosts.address',
      'hosts.groups',
      'hosts.status',
      'hosts.status_reason',
      'hosts.status_message',
      'hosts.last_sample_at',
      'hosts.removed_at',
      'hosts.parent',
      'hosts.runs_on',
      'latest.ts as latest_ts',
      'latest.cpu_busy_pct',
      'latest.mem_used_pct',
      'latest.disk_used_pct_max',
      'latest.net_rx_bps',
      'latest.net_tx_bps',
      'latest.load1',
      'latest.uptime_sec',
      'latest.mem_total_bytes',
    ])
    .orderBy('hosts.name');
  if (filter.changedAfterSnapshot !== undefined) {
    query = query.where(sql<boolean>`hosts.changed_xid IS NOT NULL AND NOT pg_visible_in_snapshot(hosts.changed_xid, ${filter.changedAfterSnapshot}::pg_snapshot)`);
  }
  const rows = await query.execute();

  return rows.map((row) => ({
    name: row.name,
    address: row.address,
    groups: stringList(row.groups),
    status: row.status,
    statusReason: row.status_reason,
    statusMessage: row.status_message,
    lastSampleAt: row.last_sample_at === null ? null : toDate(row.last_sample_at).toISOString(),
    removed: row.removed_at !== null,
    ...(row.parent !== null && { parent: row.parent }),
    ...(row.parent !== null && row.runs_on !== null && { runsOn: row.runs_on }),
    latest:
      row.latest_ts === null || row.latest_ts === undefined
        ? null
        : {
            ts: toDate(row.latest_ts).getTime(),
            cpuBusyPct: numberOrNull(row.cpu_busy_pct),
            memUsedPct: numberOrNull(row.mem_used_pct),
            diskUsedPctMax: numberOrNull(row.disk_used_pct_max),
            netRxBytesPerSec: numberOrNull(row.net_rx_bps),
            netTxBytesPerSec: numberOrNull(row.net_tx_bps),
            load1: numberOrNull(row.load1),
            uptimeSec: numberOrNull(row.uptime_sec),
            memTotalBytes: numberOrNull(row.mem_total_bytes),
          },
  }));
}

function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}
