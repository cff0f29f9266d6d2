// The fleet sparkline query benchmark (`npm run bench:sparklines`): selectFleetSparklines, as
// GET /api/v1/fleet/sparklines runs it (60 minutes in 30 points), on a PostgreSQL database holding
// a fleet's recent history:
//   - `--hosts` hosts (default 5,000) in the hosts table, through syncInventoryHosts;
//   - `--hours` hours (default 3) of 1-minute rollups for every host, written a minute at a time
//     across the fleet as the writer's maintenance pass writes them, each row as wide as a real
//     one (every average filled, the per-device json of a real host's rollup);
//   - raw samples every 10 s over the last minutes, the rollup mark a minute behind the clock (the
//     query reads the minutes after it from the raw samples, as in production).
// Baseline ("bare"): the answer itself, every host's 30 points stored in a plain table keyed by
// (host, point) and read back by one GROUP BY host with array_agg, in the same shape: the least any
// query could do to hand out every host's line (the cost of shipping and parsing the answer).
// The visibility map decides whether an index-only scan skips the heap: measured right after the
// load (nothing vacuumed, as for the newest rollups of a busy writer) and after VACUUM.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { VigilDb } from '../lib/db/database.ts';
import * as sparklineCoveringKey from '../lib/db/migrations/0012-sparkline-covering-key.ts';
import { fleetSparklinesSql, selectFleetSparklines } from '../lib/db/queries/select-fleet-sparklines.ts';
import { ROLLUP_DETAIL_METRIC_NAMES, ROLLUP_METRICS } from '../lib/db/rollups/rollup-metrics.ts';
import { ensureRollupPartitions } from '../lib/db/rollups/rollup-partitions.ts';
import { readRollupProgress } from '../lib/db/rollups/rollup-progress.ts';
import { withoutJit } from '../lib/db/without-jit.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { fleetHostName, seedFleet, seedHostHistory } from './web-seed.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '5000' },
    hours: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '15' },
    explain: { type: 'boolean', default: false },
    /** Leave the database for a look with psql (its name is printed). */
    keep: { type: 'boolean', default: false },
  },
});
const hostCount = Number(values.hosts);
const hours = Number(values.hours);
const rounds = Number(values.rounds);
const MINUTES = 60;
const POINTS = 30;

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

async function seed(db: VigilDb, nowMs: number): Promise<{ rolledUntilMs: number }> {
  const names = Array.from({ length: hostCount }, (_, i) => fleetHostName(i));
  let started = performance.now();
  // The raw samples of the last minutes at 10 s, as a fleet polled every 10 s leaves them.
  await seedFleet(db, names, names, nowMs, { minutes: 3, everySec: 10 });
  console.log(`${hostCount} hosts, 3 minutes of raw samples at 10 s: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // One real host's rollups, for a per-device json as wide as a real one.
  started = performance.now();
  await seedHostHistory(db, names[0] ?? 'fleet-0000', nowMs, 1);
  const sample = await sql<{ devices: string }>`SELECT devices::text AS devices FROM samples_1m WHERE devices IS NOT NULL ORDER BY bucket DESC LIMIT 1`.execute(db);
  const devices = sample.rows[0]?.devices ?? '[]';
  console.log(`one host's day, rolled up: ${((performance.now() - started) / 1000).toFixed(1)} s (devices json ${devices.length} bytes)`);

  started = performance.now();
  const rolledUntilMs = Math.floor(nowMs / 60_000) * 60_000 - 60_000;
  const fromMs = rolledUntilMs - hours * 3_600_000;
  await ensureRollupPartitions(db, '1m', fromMs, rolledUntilMs);
  const columns = [...ROLLUP_METRICS.flatMap((m) => [`${m}_min`, `${m}_max`, `${m}_avg`]), ...ROLLUP_DETAIL_METRIC_NAMES.map((m) => `${m}_avg`)];
  const figures = columns.map(() => 'random() * 100');
  // A minute at a time across the fleet, the order the maintenance pass writes them in.
  for (let bucket = fromMs; bucket < rolledUntilMs; bucket += 60_000) {
    await sql`
      INSERT INTO samples_1m (host, bucket, sample_count, ${sql.raw(columns.join(', '))}, devices)
      SELECT h, ${new Date(bucket).toISOString()}::timestamptz, 6, ${sql.raw(figures.join(', '))}, ${devices}::json
      FROM unnest(${names}::text[]) AS h
      ON CONFLICT DO NOTHING`.execute(db);
  }
  await sql`UPDATE rollup_progress SET rolled_until = ${new Date(rolledUntilMs).toISOString()}::timestamptz WHERE resolution = '1m'`.execute(db);
  await sql`ANALYZE`.execute(db);
  const size = await sql<{ rows: number; bytes: number }>`
    SELECT (SELECT count(*) FROM samples_1m)::int8 AS rows,
      (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('samples_1m'::regclass))::int8 AS bytes`.execute(db);
  const { rows, bytes } = size.rows[0] ?? { rows: 0, bytes: 0 };
  console.log(`${hours} h of 1-minute rollups: ${((performance.now() - started) / 1000).toFixed(1)} s; samples_1m ${Number(rows)} rows, ${(Number(bytes) / 1e6).toFixed(0)} MB`);
  return { rolledUntilMs };
}

/**
 * The baseline's table: every host's line as the query answers it, one row per point, keyed by
 * (host, point), vacuumed: reading it back is shipping the answer and nothing else.
 */
async function bareTable(db: VigilDb, nowMs: number): Promise<void> {
  const answer = await selectFleetSparklines(db, { nowMs, minutes: MINUTES, points: POINTS });
  const hosts = Object.keys(answer.hosts);
  const lines = JSON.stringify(hosts.map((host) => answer.hosts[host]));
  await sql`CREATE TABLE bare_sparkline_points (host text, point integer, cpu double precision, PRIMARY KEY (host, point))`.execute(db);
  await sql`
    INSERT INTO bare_sparkline_points
    SELECT h.host, p.point::integer - 1, p.cpu::float8
    FROM unnest(${hosts}::text[]) WITH ORDINALITY AS h(host, i)
    CROSS JOIN LATERAL json_array_elements_text(${lines}::json -> (h.i::integer - 1)) WITH ORDINALITY AS p(cpu, point)
    ORDER BY 1, 2`.execute(db);
  await sql`VACUUM ANALYZE bare_sparkline_points`.execute(db);
}

const bareQuery = sql`SELECT host, array_agg(point) AS point, array_agg(cpu) AS cpu FROM bare_sparkline_points GROUP BY host`;

interface Timing {
  median: number;
  p95: number;
}

const quantile = (times: number[], q: number): number => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;

/** Runs `a` and `b` in turns (one warm-up each), so that both see the same load. */
async function inTurns(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[Timing, Timing]> {
  await a();
  await b();
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < rounds; i++) {
    for (const [k, run] of [a, b].entries()) {
      const started = performance.now();
      await run();
      times[k]?.push(performance.now() - started);
    }
  }
  const [ta, tb] = times;
  return [
    { median: quantile(ta, 0.5), p95: quantile(ta, 0.95) },
    { median: quantile(tb, 0.5), p95: quantile(tb, 0.95) },
  ];
}

async function explain(db: VigilDb, nowMs: number, label: string): Promise<void> {
  // As selectFleetSparklines runs it: without JIT.
  const plan = await withoutJit(db, async (tx) => {
    const sparklines = fleetSparklinesSql({ nowMs, minutes: MINUTES, points: POINTS }, (await readRollupProgress(tx))['1m']);
    return sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, BUFFERS) ${sparklines}`.execute(tx);
  });
  const lines = plan.rows.map((r) => r['QUERY PLAN']);
  if (values.explain) console.log(`--- EXPLAIN ANALYZE, ${label}\n${lines.join('\n')}`);
  else console.log(`${label}: ${lines.filter((l) => /Execution Time|Planning Time|JIT:|Timing:|Heap Fetches|Index Only Scan|Index Scan/.test(l)).map((l) => l.trim()).slice(0, 12).join(' | ')}`);
}

async function measure(db: VigilDb, nowMs: number, label: string): Promise<void> {
  let hostsWithLines = 0;
  const vigilQuery = async (on: VigilDb): Promise<void> => {
    hostsWithLines = Object.keys((await selectFleetSparklines(on, { nowMs, minutes: MINUTES, points: POINTS })).hosts).length;
  };
  const [vigil, bare] = await inTurns(() => vigilQuery(db), () => bareQuery.execute(db));
  // The key as it was before migration 0012 (no INCLUDE columns), in a transaction rolled back after.
  let before: [Timing, Timing] | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      await sparklineCoveringKey.down(trx);
      before = await inTurns(() => vigilQuery(trx), () => bareQuery.execute(trx));
      throw new RollBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollBack)) throw error;
    });
  const [old, oldBare] = before ?? [];
  const f = (t: Timing | undefined): string => `median ${t?.median.toFixed(1)} ms, p95 ${t?.p95.toFixed(1)} ms`;
  console.log(`${label} (load ${load()}): ${hostsWithLines} lines of ${POINTS} points over ${MINUTES} min, ${rounds} rounds in turns with bare`);
  console.log(`  vigil: ${f(vigil)}; bare: ${f(bare)}; vigil / bare ${(vigil.median / bare.median).toFixed(2)}`);
  console.log(`  vigil on the key before 0012: ${f(old)}; bare: ${f(oldBare)}; before 0012 / bare ${((old?.median ?? NaN) / (oldBare?.median ?? NaN)).toFixed(2)}`);
  await explain(db, nowMs, label);
}

class RollBack extends Error {}

async function main(): Promise<void> {
  // A scratch database on the local PostgreSQL, migrated, as the tests make them (bench/web.ts too).
  const scratch = await createTestDatabase('postgres');
  try {
    const nowMs = Date.now();
    console.log(`load ${load()} at the start`);
    await seed(scratch.db, nowMs);
    await bareTable(scratch.db, nowMs);
    await measure(scratch.db, nowMs, 'after the load, nothing vacuumed');
    await sql`VACUUM ANALYZE`.execute(scratch.db);
    await measure(scratch.db, nowMs, 'after VACUUM');
  } finally {
    if (values.keep) {
      console.log(`kept the database ${scratch.url}`);
      await scratch.db.destroy();
    } else {
      await scratch.close();
    }
  }
}

await main();
