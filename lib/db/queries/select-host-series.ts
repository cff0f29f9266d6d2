// One host's metrics over a time range, in uPlot's columnar form, built by the database.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';

export const DEFAULT_MAX_POINTS = 2000;

export interface HostSeriesQuery {
  host: string;
  fromMs: number;
  toMs: number;
  /** Above this many samples in the range, they are averaged into equal time buckets. */
  maxPoints?: number;
}

export interface HostSeries {
  host: string;
  /** The requested range, ISO 8601. */
  from: string;
  to: string;
  /** Bucket width in seconds when the range held more than maxPoints samples, else null (raw samples). */
  bucketSec: number | null;
  /** Unix SECONDS (uPlot's convention), ascending; every other array is aligned with it. */
  ts: number[];
  cpuBusyPct: (number | null)[];
  memUsedPct: (number | null)[];
  load1: (number | null)[];
  netRxBytesPerSec: (number | null)[];
  netTxBytesPerSec: (number | null)[];
  diskUsedPctMax: (number | null)[];
}

interface SeriesRow {
  host: string;
  sample_count: number | string | null;
  ts: number[];
  cpu_busy_pct: (number | null)[];
  mem_used_pct: (number | null)[];
  load1: (number | null)[];
  net_rx_bps: (number | null)[];
  net_tx_bps: (number | null)[];
  disk_used_pct_max: (number | null)[];
}

/** Resolves to null when the host is not known at all (as opposed to known but without samples). */
export async function selectHostSeries(db: VigilDb, query: HostSeriesQuery): Promise<HostSeries | null> {
  const maxPoints = Math.max(1, Math.floor(query.maxPoints ?? DEFAULT_MAX_POINTS));
  const bucketSec = Math.max(0.001, (query.toMs - query.fromMs) / 1000 / maxPoints);
  const from = new Date(query.fromMs);
  const to = new Date(query.toMs);

  // Buckets count from the start of the range, the sample at exactly `to` joining the last one, so there
  // are never more than maxPoints. When the range holds few enough samples the grouping key is the sample's own (unique) ts, so
  // the same statement returns raw points or bucket averages; array_agg then turns rows into columns.
  const result = await sql<SeriesRow>`
    select h.name as host, s.sample_count,
      coalesce(s.ts, '{}') as ts,
      coalesce(s.cpu_busy_pct, '{}') as cpu_busy_pct,
      coalesce(s.mem_used_pct, '{}') as mem_used_pct,
      coalesce(s.load1, '{}') as load1,
      coalesce(s.net_rx_bps, '{}') as net_rx_bps,
      coalesce(s.net_tx_bps, '{}') as net_tx_bps,
      coalesce(s.disk_used_pct_max, '{}') as disk_used_pct_max
    from hosts h
    left join lateral (
      select max(b.n) as sample_count,
        array_agg(b.t order by b.t) as ts,
        array_agg(b.cpu_busy_pct order by b.t) as cpu_busy_pct,
        array_agg(b.mem_used_pct order by b.t) as mem_used_pct,
        array_agg(b.load1 order by b.t) as load1,
        array_agg(b.net_rx_bps order by b.t) as net_rx_bps,
        array_agg(b.net_tx_bps order by b.t) as net_tx_bps,
        array_agg(b.disk_used_pct_max order by b.t) as disk_used_pct_max
      from (
        select min(r.t) as t, max(r.n) as n,
          avg(r.cpu_busy_pct) as cpu_busy_pct,
          avg(r.mem_used_pct) as mem_used_pct,
          avg(r.load1) as load1,
          avg(r.net_rx_bps) as net_rx_bps,
          avg(r.net_tx_bps) as net_tx_bps,
          avg(r.disk_used_pct_max) as disk_used_pct_max
        from (
          select extract(epoch from samples.ts)::float8 as t,
            count(*) over () as n,
            samples.cpu_busy_pct::float8 as cpu_busy_pct,
            samples.mem_used_pct::float8 as mem_used_pct,
            samples.load1::float8 as load1,
            samples.net_rx_bps::float8 as net_rx_bps,
            samples.net_tx_bps::float8 as net_tx_bps,
            samples.disk_used_pct_max::float8 as disk_used_pct_max
          from samples
          where samples.host = h.name
            and samples.ts >= cast(${from.toISOString()} as timestamptz)
            and samples.ts <= cast(${to.toISOString()} as timestamptz)
        ) r
        group by case when r.n > cast(${maxPoints} as bigint)
          then least(floor((r.t - cast(${query.fromMs / 1000} as float8)) / cast(${bucketSec} as float8)), cast(${maxPoints - 1} as float8))
          else r.t end
      ) b
    ) s on true
    where h.name = ${query.host}
  `.execute(db);

  const row = result.rows[0];
  if (row === undefined) return null;
  const sampleCount = Number(row.sample_count ?? 0);
  return {
    host: row.host,
    from: from.toISOString(),
    to: to.toISOString(),
    bucketSec: sampleCount > maxPoints ? bucketSec : null,
    ts: row.ts.map(Number),
    cpuBusyPct: toNumbers(row.cpu_busy_pct),
    memUsedPct: toNumbers(row.mem_used_pct),
    load1: toNumbers(row.load1),
    netRxBytesPerSec: toNumbers(row.net_rx_bps),
    netTxBytesPerSec: toNumbers(row.net_tx_bps),
    diskUsedPctMax: toNumbers(row.disk_used_pct_max),
  };
}

// Drivers differ in whether they parse float8[] elements; normalise so the JSON is always numbers.
function toNumbers(values: (number | string | null)[]): (number | null)[] {
  return values.map((v) => (v === null ? null : Number(v)));
}
