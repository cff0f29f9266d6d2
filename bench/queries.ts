// The chart-query benchmark (`npm run bench:queries`): p50/p95 of one host's series through
// selectHostSeries, as the web API runs it, on a PostgreSQL database holding a fleet's history:
//   - 1,000 hosts in the hosts table;
//   - 1-minute rollups of the hosts with raw samples, built from them by rollUpSamples;
//   - hourly rollups of all 1,000 hosts over 90 days (2.16 M rows), generated directly;
//   - raw samples at 10 s over 7 days for a subset of the hosts (default 20: 1.2 M rows, written
//     in time order across hosts, as a writer stores them, so each host's rows are spread over
//     the table like in production), the queried hosts among them.
// 60 M raw rows (1,000 hosts × 7 days) would take this machine far longer to load than a
// benchmark may; a host's 24-hour query reads its own rows through the (host, ts) index, so the
// number of other hosts changes the index depth, not the rows read.
// Raw rows carry realistic filesystems/interfaces json, so that a row is as wide as a real one.
// Each chart is measured twice: on the rows as stored, then after compactHistory has moved every
// closed hour into sample_chunks as the writer's maintenance would (up to its horizon: all but the
// last hour or two). Beside each, a bare fetch of the same stored data in the same run: the rows
// (or the chunks' payloads and the rows left) of the host and range, selected and not decoded.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import type { VigilDb } from '../lib/db/database.ts';
import { compactHistory } from '../lib/db/chunks/compact-history.ts';
import { compactionHorizon } from '../lib/db/chunks/compaction-horizon.ts';
import { ensureSamplePartitions } from '../lib/db/ensure-sample-partitions.ts';
import { migrateToLatest } from '../lib/db/migrate.ts';
import { openDatabase } from '../lib/db/open-database.ts';
import { selectHostSeries } from '../lib/db/queries/select-host-series.ts';
import type { HostSeriesQuery } from '../lib/db/queries/select-host-series.ts';
import { ROLLUP_METRICS } from '../lib/db/rollups/rollup-metrics.ts';
import { rollUpSamples } from '../lib/db/rollups/roll-up-samples.ts';
import { ensureRollupPartitions } from '../lib/db/rollups/rollup-partitions.ts';
import { readRollupProgress, recordRollupProgress } from '../lib/db/rollups/rollup-progress.ts';
import type { SeriesResolution } from '../lib/db/rollups/choose-series-resolution.ts';

const { values } = parseArgs({
  options: {
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    hosts: { type: 'string', default: '1000' },
    'raw-hosts': { type: 'string', default: '20' },
    'raw-days': { type: 'string', default: '7' },
    'rollup-days': { type: 'string', default: '90' },
    queries: { type: 'string', default: '200' },
  },
});
const hostCount = Number(values.hosts);
const rawHosts = Number(values['raw-hosts']);
const rawDays = Number(values['raw-days']);
const rollupDays = Number(values['rollup-days']);
const queryCount = Number(values.queries);
const DAY_MS = 86_400_000;

const FILESYSTEMS = JSON.stringify([
  { mount: '/', device: '/dev/sda1', fstype: 'ext4', sizeBytes: 53660876800, usedBytes: 21464350720, availBytes: 29455630336, usedPct: 42.15 },
  { mount: '/var', device: '/dev/sdb1', fstype: 'xfs', sizeBytes: 107321753600, usedBytes: 64393052160, availBytes: 42928701440, usedPct: 60 },
]);
const INTERFACES = JSON.stringify([{ name: 'eth0', rxBytesPerSec: 10234.5, txBytesPerSec: 8123.25, rxErrorsPerSec: 0, txErrorsPerSec: 0 }]);

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: values['admin-url'] });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const hostName = (i: number): string => `host-${String(i).padStart(4, '0')}`;

async function load(db: VigilDb, nowMs: number): Promise<void> {
  await db
    .insertInto('hosts')
    .values(Array.from({ length: hostCount }, (_, i) => ({ name: hostName(i), address: hostName(i), connection: 'ssh', groups: '[]', interval_sec: 10 })))
    .execute();

  const rawFrom = Math.floor((nowMs - rawDays * DAY_MS) / 10_000) * 10_000;
  await ensureSamplePartitions(db, rawFrom, rawDays + 1);
  let started = performance.now();
  // A day at a time, in time order across hosts (as a writer stores them).
  for (let day = 0; day < rawDays; day++) {
    const from = new Date(rawFrom + day * DAY_MS).toISOString();
    const to = new Date(Math.min(rawFrom + (day + 1) * DAY_MS, nowMs)).toISOString();
    await sql`
      INSERT INTO samples (host, ts, cpu_busy_pct, cpu_count, mem_total_bytes, mem_available_bytes, mem_used_pct,
        swap_total_bytes, swap_used_bytes, load1, load5, load15, uptime_sec, net_rx_bps, net_tx_bps, disk_used_pct_max,
        filesystems, interfaces, disk_read_bps, disk_write_bps, processes_total, processes_running)
      SELECT 'host-' || lpad(h::text, 4, '0'), t, random() * 100, 8, 34359738368, (random() * 34359738368)::int8, random() * 100,
        0, 0, random() * 4, random() * 4, random() * 4, extract(epoch from t), random() * 1e6, random() * 1e6, 40 + random() * 20,
        ${FILESYSTEMS}::json, ${INTERFACES}::json, random() * 1e6, random() * 1e6, 300, 2
      FROM generate_series(${from}::timestamptz, ${to}::timestamptz - interval '10 seconds', interval '10 seconds') AS t,
        generate_series(0, ${rawHosts - 1}) AS h
      ORDER BY t, h`.execute(db);
  }
  console.log(`raw: ${rawHosts} hosts × ${rawDays} days at 10 s loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  // 1-minute rollups of those raw samples, built by the code the writer's maintenance job runs.
  started = performance.now();
  const lastMinute = Math.floor(nowMs / 60_000) * 60_000;
  await ensureRollupPartitions(db, '1m', rawFrom, lastMinute);
  for (let day = rawFrom; day < lastMinute; day += DAY_MS) {
    await rollUpSamples(db, { resolution: '1m', fromMs: day, toMs: Math.min(day + DAY_MS, lastMinute) });
  }
  await recordRollupProgress(db, '1m', lastMinute);
  console.log(`1m rollups of those samples built in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  started = performance.now();
  const rollupFrom = Math.floor((nowMs - rollupDays * DAY_MS) / 3_600_000) * 3_600_000;
  const lastHour = Math.floor(nowMs / 3_600_000) * 3_600_000;
  await ensureRollupPartitions(db, '1h', rollupFrom, lastHour);
  const columns = ROLLUP_METRICS.flatMap((m) => [`${m}_min`, `${m}_max`, `${m}_avg`]);
  const figures = ROLLUP_METRICS.flatMap(() => ['random() * 10', '90 + random() * 10', '50 + random() * 10']);
  // A day at a time, all hosts: the order an hourly job writes them in.
  for (let day = rollupFrom; day < lastHour; day += DAY_MS) {
    await sql`
      INSERT INTO samples_1h (host, bucket, sample_count, ${sql.raw(columns.join(', '))})
      SELECT 'host-' || lpad(h::text, 4, '0'), b, 360, ${sql.raw(figures.join(', '))}
      FROM generate_series(${new Date(day).toISOString()}::timestamptz,
          least(${new Date(day + DAY_MS).toISOString()}::timestamptz, ${new Date(lastHour).toISOString()}::timestamptz) - interval '1 hour',
          interval '1 hour') AS b,
        generate_series(0, ${hostCount - 1}) AS h
      ORDER BY b, h`.execute(db);
  }
  await recordRollupProgress(db, '1h', lastHour);
  console.log(`1h rollups: ${hostCount} hosts × ${rollupDays} days loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await sql`VACUUM ANALYZE`.execute(db);
}

interface Timing {
  p50: number;
  p95: number;
}

function percentiles(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95) };
}

/** The stored data a chart of the query reads, fetched and not decoded: the bare baseline. */
async function bareFetch(db: VigilDb, query: HostSeriesQuery, resolution: SeriesResolution): Promise<number> {
  const from = new Date(query.fromMs).toISOString();
  const to = new Date(query.toMs).toISOString();
  const table = resolution === 'raw' ? 'samples' : resolution === '1m' ? 'samples_1m' : 'samples_1h';
  const time = resolution === 'raw' ? 'ts' : 'bucket';
  const rows = await sql`SELECT * FROM ${sql.id(table)} WHERE host = ${query.host}
    AND ${sql.id(time)} >= ${from}::timestamptz AND ${sql.id(time)} <= ${to}::timestamptz`.execute(db);
  if (resolution === '1h') return rows.rows.length;
  const chunks = await sql`SELECT payload FROM sample_chunks WHERE kind = ${resolution} AND host = ${query.host}
    AND start_ts > ${from}::timestamptz - interval '1 day' AND start_ts <= ${to}::timestamptz AND end_ts > ${from}::timestamptz`.execute(db);
  return rows.rows.length + chunks.rows.length;
}

async function measure(db: VigilDb, label: string, query: (i: number) => HostSeriesQuery): Promise<void> {
  for (let i = 0; i < 10; i++) await selectHostSeries(db, query(i));
  const vigil: number[] = [];
  const bare: number[] = [];
  let points = 0;
  let resolution: SeriesResolution = 'raw';
  // Turns, so that both see the same load.
  for (let i = 0; i < queryCount; i++) {
    let started = performance.now();
    const series = await selectHostSeries(db, query(i));
    vigil.push(performance.now() - started);
    points = series?.ts.length ?? 0;
    resolution = series?.resolution ?? 'raw';
    started = performance.now();
    await bareFetch(db, query(i), resolution);
    bare.push(performance.now() - started);
  }
  const v = percentiles(vigil);
  const b = percentiles(bare);
  console.log(
    `${label}: resolution ${resolution}, ${points} points; p50 ${v.p50.toFixed(1)} ms, p95 ${v.p95.toFixed(1)} ms; ` +
      `bare fetch p50 ${b.p50.toFixed(1)} ms, p95 ${b.p95.toFixed(1)} ms; p95 vs bare ${(v.p95 / b.p95).toFixed(2)} (${queryCount} queries)`,
  );
}

async function measureCharts(db: VigilDb, nowMs: number, stage: string): Promise<void> {
  console.log(`${stage} (load average ${loadAverage()}):`);
  // Queried hosts rotate through the ones with raw samples; the clock moves a little per query.
  await measure(db, '  24-hour chart', (i) => ({ host: hostName(i % rawHosts), fromMs: nowMs - DAY_MS - i * 1000, toMs: nowMs - i * 1000, nowMs }));
  await measure(db, '  24-hour chart, raw forced', (i) => ({
    host: hostName(i % rawHosts),
    fromMs: nowMs - DAY_MS - i * 1000,
    toMs: nowMs - i * 1000,
    nowMs,
    resolution: 'raw',
  }));
  await measure(db, '  6-hour chart', (i) => ({ host: hostName(i % rawHosts), fromMs: nowMs - DAY_MS / 4 - i * 1000, toMs: nowMs - i * 1000, nowMs }));
  await measure(db, '  7-day chart', (i) => ({ host: hostName(i % rawHosts), fromMs: nowMs - 7 * DAY_MS - i * 1000, toMs: nowMs - i * 1000, nowMs }));
  await measure(db, '  90-day chart', (i) => ({
    host: hostName((i * 37) % hostCount),
    fromMs: nowMs - 90 * DAY_MS - i * 1000,
    toMs: nowMs - i * 1000,
    nowMs,
  }));
  console.log(`  (load average ${loadAverage()})`);
}

async function reportSizes(db: VigilDb): Promise<void> {
  // pg_partition_tree lists nothing for a plain table (sample_chunks): then the table itself.
  const sizes = await sql<{ table: string; bytes: number; rows: number }>`
    SELECT t AS table,
      coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(t::regclass)), pg_total_relation_size(t::regclass))::int8 AS bytes,
      coalesce((SELECT sum(greatest(reltuples, 0)) FROM pg_class c JOIN pg_partition_tree(t::regclass) p ON c.oid = p.relid WHERE p.isleaf),
        (SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = t::regclass))::int8 AS rows
    FROM unnest(ARRAY['samples', 'samples_1m', 'samples_1h', 'sample_chunks']) AS t`.execute(db);
  for (const row of sizes.rows) {
    console.log(`  ${row.table}: ~${row.rows} rows, ${(row.bytes / 1e6).toFixed(0)} MB, ${(row.bytes / Math.max(1, row.rows)).toFixed(0)} bytes per row`);
  }
}

function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
}

async function main(): Promise<void> {
  const name = `vigil_bench_queries_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = values['admin-url'].replace(/\/[^/]*$/, `/${name}`);
  const database = await openDatabase({ url });
  try {
    await migrateToLatest(database.db);
    const nowMs = Date.now();
    await load(database.db, nowMs);
    console.log('as stored:');
    await reportSizes(database.db);
    await measureCharts(database.db, nowMs, 'charts on the rows as stored');

    // As the writer's maintenance would: every hour its rollups are done with, into chunks.
    const horizon = compactionHorizon(await readRollupProgress(database.db), 5 * 60_000);
    const started = performance.now();
    const compacted = await compactHistory(database.db, { beforeMs: horizon ?? nowMs });
    console.log(
      `compacted before ${new Date(horizon ?? nowMs).toISOString()}: ${compacted.rows} rows into ${compacted.chunks} chunks in ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s; ${compacted.partitions.length} partitions emptied and dropped`,
    );
    await sql`VACUUM ANALYZE`.execute(database.db);
    await reportSizes(database.db);
    await measureCharts(database.db, nowMs, 'charts on compacted history');
  } finally {
    await database.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
