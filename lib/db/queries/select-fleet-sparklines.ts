// Every host's recent CPU busy % in a few points, for the sparklines of the fleet table: one
// statement for the whole fleet. Minutes the writer has rolled up come from samples_1m; the minutes
// after its mark (at most a couple) from the raw samples, so the line reaches the present.
import { sql, type RawBuilder } from 'kysely';
import type { VigilDb } from '../database.ts';
import { bucketStart } from '../rollups/rollup-metrics.ts';
import { readRollupProgress } from '../rollups/rollup-progress.ts';
import { withoutJit } from '../without-jit.ts';

export interface FleetSparklineQuery {
  nowMs: number;
  /** How far back the lines reach. */
  minutes: number;
  /** Points per line; each averages minutes / points of CPU busy %. */
  points: number;
}

export interface FleetSparklines {
  /** ISO 8601; the range ends with the minute that holds now. */
  from: string;
  to: string;
  /** Seconds each point covers; point i covers [from + i·step, from + (i+1)·step). */
  step: number;
  /** Host name → `points` values, null where the host had no sample. Hosts without any are left out. */
  hosts: Record<string, (number | null)[]>;
}

interface SparklineRow {
  host: string;
  /** Start of each point's time bin, epoch seconds. */
  bin: (number | string)[] | null;
  cpu: (number | string | null)[] | null;
}

function sparklineRange(query: FleetSparklineQuery): { fromMs: number; toMs: number; step: number; from: string; to: string } {
  const toMs = bucketStart('1m', query.nowMs) + 60_000;
  const fromMs = toMs - query.minutes * 60_000;
  return { fromMs, toMs, step: (query.minutes * 60) / query.points, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}

/**
 * The statement selectFleetSparklines runs (the benchmark EXPLAINs it), given how far the 1-minute
 * rollups reach (rollup_progress; null before the first pass).
 */
export function fleetSparklinesSql(query: FleetSparklineQuery, rolledUntilMs: number | null): RawBuilder<SparklineRow> {
  const { fromMs, toMs, step, from } = sparklineRange(query);
  // Where rollups end and raw samples take over, as constants: the planner then prunes the raw
  // samples' partitions once, not on each of the 5,000 probes.
  const rollupsTo = new Date(Math.max(fromMs, Math.min(toMs, rolledUntilMs ?? fromMs))).toISOString();
  const to = new Date(toMs).toISOString();
  // A lateral probe per host walks the (host, bucket) and (host, ts) primary keys: the cost grows
  // with the fleet, never with the history kept. The rollups' key carries the two columns read
  // here (migration 0012), so that probe is an index-only scan where the pages are all-visible.
  // Each point weighs its minutes by their samples. The arrays are left unordered (an ordered
  // aggregate sorts once per host and array): bin and cpu come from the same rows in the same
  // order, and the caller places each point by its bin.
  return sql<SparklineRow>`
    select h.name as host, p.bin, p.cpu
    from hosts h
    cross join lateral (
      select array_agg(extract(epoch from b.bin)::float8) as bin, array_agg(b.cpu) as cpu
      from (
        select date_bin(make_interval(secs => ${step}), q.t, cast(${from} as timestamptz)) as bin,
          sum(q.v * q.w) / nullif(sum(q.w) filter (where q.v is not null), 0) as cpu
        from (
          select x.bucket as t, x.sample_count::float8 as w, x.cpu_busy_pct_avg as v
          from samples_1m x
          where x.host = h.name
            and x.bucket >= cast(${from} as timestamptz) and x.bucket < cast(${rollupsTo} as timestamptz)
          union all
          select s.ts as t, 1::float8 as w, s.cpu_busy_pct::float8 as v
          from samples s
          where s.host = h.name
            and s.ts >= cast(${rollupsTo} as timestamptz) and s.ts < cast(${to} as timestamptz)
        ) q
        group by 1
      ) b
    ) p
    where h.removed_at is null or h.removed_at >= cast(${from} as timestamptz)
  `;
}

export async function selectFleetSparklines(db: VigilDb, query: FleetSparklineQuery): Promise<FleetSparklines> {
  const { fromMs, step, from, to } = sparklineRange(query);
  // 5,000 probes look costly enough to the planner to compile the statement (JIT), which took 30-145 ms.
  const result = await withoutJit(db, async (tx) => fleetSparklinesSql(query, (await readRollupProgress(tx))['1m']).execute(tx));

  const lines: [string, (number | null)[]][] = [];
  for (const row of result.rows) {
    if (row.bin === null || row.cpu === null) continue;
    const line: (number | null)[] = new Array<number | null>(query.points).fill(null);
    row.bin.forEach((bin, i) => {
      const value = row.cpu?.[i];
      // Bins start at from + k·step; rounding absorbs the microseconds of a fractional step.
      const index = Math.min(query.points - 1, Math.round((Number(bin) * 1000 - fromMs) / (step * 1000)));
      line[index] = value === null || value === undefined ? null : Math.round(Number(value) * 10) / 10;
    });
    lines.push([row.host, line]);
  }
  // fromEntries defines own properties, so a host named "__proto__" is a key like any other.
  return { from, to, step, hosts: Object.fromEntries(lines) };
}
