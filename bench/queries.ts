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
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import type { VigilDb } from '../lib/db/database.ts';
import { ensureSamplePartitions } from '../lib/db/ensure-sample-partitions.ts';
import { migrateToLatest } from '../lib/db/migrate.ts';
import { openDatabase } from '../lib/db/open-database.ts';
import { selectHostSeries } from '../lib/db/queries/select-host-series.ts';
import type { HostSeriesQuery } from '../lib/db/queries/select-host-series.ts';
import { ROLLUP_METRICS } from '../lib/db/rollups/rollup-metrics.ts';
import { rollUpSamples } from '../lib/db/rollups/roll-up-samples.ts';
import { ensureRollupPartitions } from '../lib/db/rollups/rollup-partitions.ts';
import { recordRollupProgress } from '../lib/db/rollups/rollup-progress.ts';

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

async function measure(db: VigilDb, label: string, query: (i: number) => HostSeriesQuery): Promise<void> {
  for (let i = 0; i < 10; i++) await selectHostSeries(db, query(i));
  const times: number[] = [];
  let points = 0;
  let resolution = '';
  for (let i = 0; i < queryCount; i++) {
    const started = performance.now();
    const series = await selectHostSeries(db, query(i));
    times.push(performance.now() - started);
    points = series?.ts.length ?? 0;
    resolution = series?.resolution ?? '';
  }
  times.sort((a, b) => a - b);
  const at = (p: number): string => (times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN).toFixed(1);
  console.log(`${label}: resolution ${resolution}, ${points} points; p50 ${at(0.5)} ms, p95 ${at(0.95)} ms over ${queryCount} queries`);
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
    const sizes = await sql<{ table: string; bytes: number; rows: number }>`
      SELECT t AS table, (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(t::regclass))::int8 AS bytes,
        (SELECT sum(reltuples) FROM pg_class c JOIN pg_partition_tree(t::regclass) p ON c.oid = p.relid WHERE p.isleaf)::int8 AS rows
      FROM unnest(ARRAY['samples', 'samples_1m', 'samples_1h']) AS t`.execute(database.db);
    for (const row of sizes.rows) {
      console.log(`${row.table}: ~${row.rows} rows, ${(row.bytes / 1e6).toFixed(0)} MB, ${(row.bytes / row.rows).toFixed(0)} bytes per row`);
    }
    // Queried hosts rotate through the ones with raw samples; the clock moves a little per query.
    await measure(database.db, '24-hour chart', (i) => ({ host: hostName(i % rawHosts), fromMs: nowMs - DAY_MS - i * 1000, toMs: nowMs - i * 1000, nowMs }));
    await measure(database.db, '24-hour chart, raw forced', (i) => ({
      host: hostName(i % rawHosts),
      fromMs: nowMs - DAY_MS - i * 1000,
      toMs: nowMs - i * 1000,
      nowMs,
      resolution: 'raw',
    }));
    await measure(database.db, '6-hour chart', (i) => ({ host: hostName(i % rawHosts), fromMs: nowMs - DAY_MS / 4 - i * 1000, toMs: nowMs - i * 1000, nowMs }));
    await measure(database.db, '90-day chart', (i) => ({
      host: hostName((i * 37) % hostCount),
      fromMs: nowMs - 90 * DAY_MS - i * 1000,
      toMs: nowMs - i * 1000,
      nowMs,
    }));
  } finally {
    await database.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
