// The fleet at a glance: hosts by status, active alerts by severity, and averages of each host's
// newest sample. One round trip, whatever the fleet's size.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { numberOrNull } from './row-values.ts';

export interface FleetSummary {
  /** ISO 8601: the clock the freshness of samples was judged by. */
  at: string;
  /** Hosts in the inventory now (removed hosts are counted apart). */
  hosts: { total: number; up: number; down: number; unknown: number; removed: number };
  /** Alerts firing now, by severity; pending ones (breached, not yet for long enough) apart. */
  alerts: { firing: number; acknowledged: number; pending: number; bySeverity: Record<string, number> };
  /**
   * Means over the hosts whose newest sample is fresh (newer than three of its poll intervals,
   * and at least five minutes): a host that stopped answering must not pin the average.
   */
  averages: {
    hosts: number;
    cpuBusyPct: number | null;
    memUsedPct: number | null;
    diskUsedPctMax: number | null;
    netRxBytesPerSec: number | null;
    netTxBytesPerSec: number | null;
  };
  /** Sums over the same hosts: what the fleet moves over the network in all. */
  totals: { netRxBytesPerSec: number | null; netTxBytesPerSec: number | null };
}

interface SummaryRow {
  total: number | string;
  up: number | string;
  down: number | string;
  unknown: number | string;
  removed: number | string;
  fresh: number | string;
  cpu: number | string | null;
  mem: number | string | null;
  disk: number | string | null;
  rx: number | string | null;
  tx: number | string | null;
  rx_sum: number | string | null;
  tx_sum: number | string | null;
  firing: number | string;
  acknowledged: number | string;
  pending: number | string;
  by_severity: Record<string, number | string> | string | null;
}

export async function selectFleetSummary(db: VigilDb, nowMs: number): Promise<FleetSummary> {
  const now = new Date(nowMs).toISOString();
  // hosts.last_sample_at is the newest sample's ts (the writer keeps it), so the newest sample is
  // one primary-key lookup per host instead of a search through its history.
  const result = await sql<SummaryRow>`
    with latest as (
      select s.cpu_busy_pct, s.mem_used_pct, s.disk_used_pct_max, s.net_rx_bps, s.net_tx_bps
      from hosts h
      join samples s on s.host = h.name and s.ts = h.last_sample_at
      where h.removed_at is null
        and h.last_sample_at >= cast(${now} as timestamptz) - make_interval(secs => greatest(300, 3 * h.interval_sec))
    )
    select hs.*, agg.*, al.*,
      (select json_object_agg(severity, n) from (
        select severity, count(*) as n from alerts where state = 'firing' group by severity
      ) f) as by_severity
    from (
      select
        count(*) filter (where removed_at is null) as total,
        count(*) filter (where removed_at is null and status = 'up') as up,
        count(*) filter (where removed_at is null and status = 'down') as down,
        count(*) filter (where removed_at is null and status = 'unknown') as unknown,
        count(*) filter (where removed_at is not null) as removed
      from hosts
    ) hs, (
      select count(*) as fresh,
        avg(cpu_busy_pct)::float8 as cpu, avg(mem_used_pct)::float8 as mem, avg(disk_used_pct_max)::float8 as disk,
        avg(net_rx_bps)::float8 as rx, avg(net_tx_bps)::float8 as tx,
        sum(net_rx_bps)::float8 as rx_sum, sum(net_tx_bps)::float8 as tx_sum
      from latest
    ) agg, (
      select
        count(*) filter (where state = 'firing') as firing,
        count(*) filter (where state = 'firing' and acked_by is not null) as acknowledged,
        count(*) filter (where state = 'pending') as pending
      from alerts
    ) al
  `.execute(db);
  const row = result.rows[0];
  if (row === undefined) throw new Error('the fleet summary query returned no row');
  const counted = typeof row.by_severity === 'string' ? (JSON.parse(row.by_severity) as Record<string, number | string>) : row.by_severity;
  const bySeverity: Record<string, number> = {
    critical: 0,
    warning: 0,
    info: 0,
    ...Object.fromEntries(Object.entries(counted ?? {}).map(([severity, n]) => [severity, Number(n)])),
  };
  return {
    at: now,
    hosts: { total: Number(row.total), up: Number(row.up), down: Number(row.down), unknown: Number(row.unknown), removed: Number(row.removed) },
    alerts: { firing: Number(row.firing), acknowledged: Number(row.acknowledged), pending: Number(row.pending), bySeverity },
    averages: {
      hosts: Number(row.fresh),
      cpuBusyPct: numberOrNull(row.cpu),
      memUsedPct: numberOrNull(row.mem),
      diskUsedPctMax: numberOrNull(row.disk),
      netRxBytesPerSec: numberOrNull(row.rx),
      netTxBytesPerSec: numberOrNull(row.tx),
    },
    totals: { netRxBytesPerSec: numberOrNull(row.rx_sum), netTxBytesPerSec: numberOrNull(row.tx_sum) },
  };
}
