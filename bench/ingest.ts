// The ingest benchmark (`npm run bench:ingest`): samples per second the writer's path stores
// (applyPollResults in batches of 500, partitions ensured first, as services/writer does; on
// PostgreSQL its samples go by COPY, and again through a Kysely without COPY: its INSERT path), against
// the same rows sent bare through pg into the same table in the same run: one prepared multi-row
// INSERT per 500 rows, and one `COPY samples FROM STDIN` (text format) per 500 rows, their values
// built before the timing starts; and the same COPY with its text (JSON included) built from the
// samples inside the timing, as the writer's are. None has ON CONFLICT, RETURNING or host
// bookkeeping. Rounds alternate, the table emptied before each; the results are ratios of the
// medians. Each round first takes the writer, its INSERT path and the bare COPY batch by batch in
// turns (timeInTurns), which a load swinging over seconds skews far less. Also reports the stored bytes per sample (heap, indexes, TOAST, per column) and per
// host-day of rollups. Samples are realistic: the simulator's poll output parsed by the real parsers.
// Then history storage as it stands after days of a fleet (--storage-hosts × --storage-days at
// 10 s): hour by hour the samples are stored, rolled up and compacted as the writer's maintenance
// does, and every byte the history takes (raw samples, chunks, rollups, indexes, TOAST) is divided
// by the samples polled.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { buildSample } from '../lib/collect/build-sample.ts';
import { parsePollOutput } from '../lib/collect/parse-poll-output.ts';
import type { HostSnapshot, Sample } from '../lib/collect/sample.ts';
import type { Database, VigilDb } from '../lib/db/database.ts';
import { compactHistory } from '../lib/db/chunks/compact-history.ts';
import { compactionHorizon } from '../lib/db/chunks/compaction-horizon.ts';
import { ensureSamplePartitions } from '../lib/db/ensure-sample-partitions.ts';
import { migrateToLatest } from '../lib/db/migrate.ts';
import { openDatabase } from '../lib/db/open-database.ts';
import { applyPollResults } from '../lib/db/queries/apply-poll-results.ts';
import { insertSamples } from '../lib/db/queries/insert-samples.ts';
import { copyField } from '../lib/db/queries/sample-copy-text.ts';
import { DEFAULT_RAW_RETENTION_DAYS, DEFAULT_ROLLUP_RETENTION_DAYS, applyRetention } from '../lib/db/rollups/apply-retention.ts';
import { rollUpSamples } from '../lib/db/rollups/roll-up-samples.ts';
import { ensureRollupPartitions } from '../lib/db/rollups/rollup-partitions.ts';
import { readRollupProgress, recordRollupProgress } from '../lib/db/rollups/rollup-progress.ts';
import type { PollResult } from '../lib/poll/poll-messages.ts';
import { renderPollOutput } from '../lib/simulator/render-poll-output.ts';
import { advanceHostState, createHostState } from '../lib/simulator/simulated-host-state.ts';
import { simulatedSampleStream } from '../lib/simulator/simulated-samples.ts';

const { values } = parseArgs({
  options: {
    'admin-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    hosts: { type: 'string', default: '200' },
    polls: { type: 'string', default: '60' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '500' },
    'storage-hosts': { type: 'string', default: '10' },
    'storage-days': { type: 'string', default: '2' },
  },
});
const hostCount = Number(values.hosts);
const pollCount = Number(values.polls);
const rounds = Number(values.rounds);
const batchSize = Number(values.batch);
const storageHosts = Number(values['storage-hosts']);
const storageDays = Number(values['storage-days']);
const INTERVAL_MS = 10_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: values['admin-url'] });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** hostCount hosts polled pollCount times each, 10 s apart, in the order a writer receives them. */
function generateResults(startMs: number): PollResult[] {
  const hosts = Array.from({ length: hostCount }, (_, i) => createHostState(`bench-${String(i).padStart(4, '0')}`, 7, startMs));
  const previous = new Map<string, HostSnapshot>();
  const results: PollResult[] = [];
  for (let poll = 0; poll <= pollCount; poll++) {
    hosts.forEach((state, i) => {
      const ts = startMs + poll * INTERVAL_MS + Math.floor((i / hostCount) * INTERVAL_MS);
      advanceHostState(state, ts);
      const snapshot = parsePollOutput(renderPollOutput(state));
      const before = previous.get(state.name);
      previous.set(state.name, snapshot);
      // The first poll of a host only primes the counters, as in a worker.
      if (before === undefined) return;
      const sample: Sample = buildSample(state.name, ts, snapshot, before);
      results.push({ kind: 'sample', host: state.name, seq: poll, scheduledAt: ts, startedAt: ts, finishedAt: ts, sample });
    });
  }
  return results;
}

const BARE_COLUMNS = [
  'host', 'ts', 'cpu_busy_pct', 'cpu_count', 'mem_total_bytes', 'mem_available_bytes', 'mem_used_pct', 'swap_total_bytes',
  'swap_used_bytes', 'load1', 'load5', 'load15', 'uptime_sec', 'net_rx_bps', 'net_tx_bps', 'disk_used_pct_max', 'filesystems',
  'interfaces', 'mem_buffers_bytes', 'mem_cached_bytes', 'load_per_core', 'rebooted', 'disk_read_bps', 'disk_write_bps',
  'processes_total', 'processes_running', 'cpu_modes', 'per_core_busy_pct', 'disks', 'processes', 'pressure', 'failed_units', 'gpus',
];

const int = (v: number | null | undefined): number | null => (v == null || !Number.isFinite(v) ? null : Math.round(v));
const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

/** The same values the writer stores, as positional parameters (built before timing starts). */
function bareRow(s: Sample): unknown[] {
  return [
    s.host, new Date(s.ts), s.cpuBusyPct, int(s.cpuCount), int(s.memTotalBytes), int(s.memAvailableBytes), s.memUsedPct,
    int(s.swapTotalBytes), int(s.swapUsedBytes), s.load1, s.load5, s.load15, s.uptimeSec, s.netRxBytesPerSec, s.netTxBytesPerSec,
    s.diskUsedPctMax, JSON.stringify(s.filesystems), JSON.stringify(s.interfaces), int(s.memBuffersBytes), int(s.memCachedBytes),
    s.loadPerCore ?? null, s.rebooted ?? false, s.diskReadBytesPerSec ?? null, s.diskWriteBytesPerSec ?? null,
    int(s.processes?.total), int(s.processes?.running), json(s.cpuModes), json(s.perCoreBusyPct), json(s.disks), json(s.processes),
    json(s.pressure), json(s.failedUnits), json(s.gpus),
  ];
}

async function emptySamples(db: VigilDb): Promise<void> {
  await sql`TRUNCATE samples, poll_failures`.execute(db);
  await sql`DELETE FROM hosts`.execute(db);
}

async function timeWriterPath(db: VigilDb, results: PollResult[]): Promise<number> {
  const started = performance.now();
  const ensured = new Set<number>();
  for (let i = 0; i < results.length; i += batchSize) {
    const batch = results.slice(i, i + batchSize);
    for (const result of batch) {
      if (result.kind !== 'sample') continue;
      const day = Math.floor(result.sample.ts / 86_400_000);
      if (!ensured.has(day)) {
        await ensureSamplePartitions(db, result.sample.ts, 1);
        ensured.add(day);
      }
    }
    await applyPollResults(db, batch, { downAfter: 3 });
  }
  return results.length / ((performance.now() - started) / 1000);
}

async function timeBareInsert(client: pg.Client, rows: unknown[][]): Promise<number> {
  const statementFor = (n: number): string => {
    const tuples = Array.from({ length: n }, (_, r) => `(${BARE_COLUMNS.map((_, c) => `$${r * BARE_COLUMNS.length + c + 1}`).join(',')})`);
    return `INSERT INTO samples (${BARE_COLUMNS.join(',')}) VALUES ${tuples.join(',')}`;
  };
  const full = statementFor(batchSize);
  const started = performance.now();
  for (let i = 0; i < rows.length; i += batchSize) {
    const chunk = rows.slice(i, i + batchSize);
    const text = chunk.length === batchSize ? full : statementFor(chunk.length);
    await client.query({ name: `bare-${chunk.length}`, text, values: chunk.flat() });
  }
  return rows.length / ((performance.now() - started) / 1000);
}

/** One COPY per batch, the lines built before timing starts, as the bare INSERT's parameters are. */
async function timeBareCopy(client: pg.Client, rows: unknown[][]): Promise<number> {
  const batches: string[] = [];
  for (let i = 0; i < rows.length; i += batchSize) batches.push(copyText(rows.slice(i, i + batchSize)));
  const started = performance.now();
  for (const text of batches) await copyBatch(client, text);
  return rows.length / ((performance.now() - started) / 1000);
}

/** As timeBareCopy, but the rows' values and text (JSON included) built from the samples inside the timing, as the writer's are. */
async function timeBareCopyFromSamples(client: pg.Client, samples: Sample[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < samples.length; i += batchSize) await copyBatch(client, copyText(samples.slice(i, i + batchSize).map(bareRow)));
  return samples.length / ((performance.now() - started) / 1000);
}

function copyText(rows: unknown[][]): string {
  return rows.map((row) => row.map(copyField).join('\t') + '\n').join('');
}

async function copyBatch(client: pg.Client, text: string): Promise<void> {
  await pipeline(Readable.from([text]), client.query(copyFrom(`COPY samples (${BARE_COLUMNS.join(',')}) FROM STDIN`)));
}

/**
 * The writer's path, its INSERT path and the bare COPY batch by batch in turns, the order rotated
 * each batch, each under host names of its own (`copy-`, `insert-`, `bare-`) in the same table: on
 * a shared machine whose load swings over seconds, whole passes one after another see different
 * loads; batches taken in turns see the same. Rows/s of each, over their own time only.
 */
async function timeInTurns(db: VigilDb, insertOnly: VigilDb, client: pg.Client, results: PollResult[]): Promise<Record<'writer' | 'insertPath' | 'bareCopy', number>> {
  const renamed = (prefix: string): PollResult[] =>
    results.map((result) => {
      const { sample } = result as Extract<PollResult, { kind: 'sample' }>;
      return { ...result, host: prefix + result.host, sample: { ...sample, host: prefix + sample.host } } as PollResult;
    });
  const viaCopy = renamed('copy-');
  const viaInsert = renamed('insert-');
  const bareTexts: string[] = [];
  const bareRows = renamed('bare-').map((result) => bareRow((result as Extract<PollResult, { kind: 'sample' }>).sample));
  for (let i = 0; i < bareRows.length; i += batchSize) bareTexts.push(copyText(bareRows.slice(i, i + batchSize)));
  const spent = { writer: 0, insertPath: 0, bareCopy: 0 };
  const turns: Array<[keyof typeof spent, (start: number) => Promise<void>]> = [
    ['writer', (start) => applyPollResults(db, viaCopy.slice(start, start + batchSize), { downAfter: 3 })],
    ['insertPath', (start) => applyPollResults(insertOnly, viaInsert.slice(start, start + batchSize), { downAfter: 3 })],
    ['bareCopy', (start) => copyBatch(client, bareTexts[start / batchSize] as string)],
  ];
  for (let start = 0, batch = 0; start < results.length; start += batchSize, batch++) {
    for (let k = 0; k < turns.length; k++) {
      const [name, run] = turns[(batch + k) % turns.length] as (typeof turns)[number];
      const began = performance.now();
      await run(start);
      spent[name] += performance.now() - began;
    }
  }
  const rate = (ms: number): number => results.length / (ms / 1000);
  return { writer: rate(spent.writer), insertPath: rate(spent.insertPath), bareCopy: rate(spent.bareCopy) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const name = `vigil_bench_ingest_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = values['admin-url'].replace(/\/[^/]*$/, `/${name}`);
  const database = await openDatabase({ url });
  const bare = new pg.Client({ connectionString: url });
  // The same database through a Kysely that openDatabase did not make: no COPY, the INSERT path.
  const insertOnly = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) });
  try {
    await migrateToLatest(database.db);
    await bare.connect();
    // Whole UTC days away from midnight, so that the run needs one day's partition.
    const startMs = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 3_600_000;
    console.log(`generating ${hostCount} hosts × ${pollCount} polls of simulator output, parsed…`);
    const results = generateResults(startMs);
    const samples = results.map((result) => (result as Extract<PollResult, { kind: 'sample' }>).sample);
    const rows = samples.map(bareRow);
    console.log(`${results.length} samples; batches of ${batchSize}; ${rounds} rounds, alternating`);
    const writerRates: number[] = [];
    const insertPathRates: number[] = [];
    const bareRates: number[] = [];
    const copyRates: number[] = [];
    const copyBuiltRates: number[] = [];
    const turnRatios: number[] = [];
    await ensureSamplePartitions(database.db, startMs, 1);
    for (let round = 1; round <= rounds; round++) {
      await emptySamples(database.db);
      const turns = await timeInTurns(database.db, insertOnly, bare, results);
      turnRatios.push(turns.writer / turns.bareCopy);
      console.log(
        `round ${round}, batches in turns: writer ${turns.writer.toFixed(0)} rows/s, writer's INSERT path ${turns.insertPath.toFixed(0)} rows/s, ` +
          `bare COPY ${turns.bareCopy.toFixed(0)} rows/s; writer/COPY ${(turns.writer / turns.bareCopy).toFixed(2)}, ` +
          `INSERT path/COPY ${(turns.insertPath / turns.bareCopy).toFixed(2)}`,
      );
      await emptySamples(database.db);
      bareRates.push(await timeBareInsert(bare, rows));
      await emptySamples(database.db);
      copyRates.push(await timeBareCopy(bare, rows));
      await emptySamples(database.db);
      copyBuiltRates.push(await timeBareCopyFromSamples(bare, samples));
      await emptySamples(database.db);
      writerRates.push(await timeWriterPath(database.db, results));
      await emptySamples(database.db);
      insertPathRates.push(await timeWriterPath(insertOnly, results));
      console.log(
        `round ${round}: writer ${writerRates.at(-1)?.toFixed(0)} rows/s, writer's INSERT path ${insertPathRates.at(-1)?.toFixed(0)} rows/s, ` +
          `bare INSERT ${bareRates.at(-1)?.toFixed(0)} rows/s, ` +
          `bare COPY ${copyRates.at(-1)?.toFixed(0)} rows/s, bare COPY built in the timing ${copyBuiltRates.at(-1)?.toFixed(0)} rows/s`,
      );
    }
    // --rounds 0: no timing, only the storage figures (the writer's path stores their rows once).
    if (rounds === 0) {
      await emptySamples(database.db);
      await timeWriterPath(database.db, results);
    } else {
      const writer = median(writerRates);
      const insertPath = median(insertPathRates);
      const bareRate = median(bareRates);
      const copyRate = median(copyRates);
      const copyBuiltRate = median(copyBuiltRates);
      console.log(
        `median: writer ${writer.toFixed(0)} rows/s, writer's INSERT path ${insertPath.toFixed(0)} rows/s (${(insertPath / copyRate).toFixed(2)} of COPY), ` +
          `bare INSERT ${bareRate.toFixed(0)} rows/s, bare COPY ${copyRate.toFixed(0)} rows/s, ` +
          `bare COPY built in the timing ${copyBuiltRate.toFixed(0)} rows/s; writer/INSERT ${(writer / bareRate).toFixed(2)}, ` +
          `writer/COPY ${(writer / copyRate).toFixed(2)} (aim ≥ 0.5), writer/COPY built in the timing ${(writer / copyBuiltRate).toFixed(2)}`,
      );
      console.log(`batches in turns: median writer/COPY ${median(turnRatios).toFixed(2)} (aim ≥ 0.5)`);
    }

    // Storage, on the rows the writer stored last.
    await sql`VACUUM ANALYZE samples`.execute(database.db);
    const stored = await sizeOf(database.db, 'samples');
    const perRow = (n: number): string => (n / stored.rows).toFixed(0);
    console.log(
      `raw: ${stored.rows} rows, ${stored.bytes} bytes with indexes and TOAST = ${perRow(stored.bytes)} bytes per sample ` +
        `(heap ${perRow(stored.heap)}, indexes ${perRow(stored.indexes)}, TOAST ${perRow(stored.toast)})`,
    );
    const widest = await sql<{ name: string; bytes: number }>`
      SELECT a.attname AS name, 0::int8 AS bytes FROM pg_attribute a
      WHERE a.attrelid = 'samples'::regclass AND a.attnum > 0 AND NOT a.attisdropped`.execute(database.db);
    const perColumn: string[] = [];
    for (const column of widest.rows) {
      // Averaged over every row, NULLs as 0, so that the columns add up to the row.
      const avg = await sql<{ bytes: number | null }>`
        SELECT avg(coalesce(pg_column_size(${sql.id(column.name)}), 0))::float8 AS bytes FROM samples`.execute(database.db);
      perColumn.push(`${column.name} ${Number(avg.rows[0]?.bytes ?? 0).toFixed(0)}`);
    }
    console.log(`average stored bytes per column and row: ${perColumn.join(', ')}`);
    const endMs = startMs + (pollCount + 1) * INTERVAL_MS;
    for (const resolution of ['1m', '1h'] as const) {
      await ensureRollupPartitions(database.db, resolution, startMs, endMs);
      await rollUpSamples(database.db, { resolution, fromMs: startMs, toMs: endMs });
    }
    await sql`VACUUM ANALYZE samples_1m, samples_1h`.execute(database.db);
    const minute = await sizeOf(database.db, 'samples_1m');
    const hour = await sizeOf(database.db, 'samples_1h');
    const perMinuteRow = minute.bytes / minute.rows;
    const perHourRow = hour.bytes / hour.rows;
    console.log(`1m rollups: ${minute.rows} rows, ${perMinuteRow.toFixed(0)} bytes per row = ${((perMinuteRow * 1440) / 1024).toFixed(0)} KiB per host-day`);
    console.log(`1h rollups: ${hour.rows} rows, ${perHourRow.toFixed(0)} bytes per row = ${((perHourRow * 24) / 1024).toFixed(1)} KiB per host-day`);
    const tenHosts30Days = 10 * 30 * 8640 * (stored.bytes / stored.rows);
    console.log(`10 hosts × 30 days at 10 s, raw rows as stored: ${(tenHosts30Days / 1e6).toFixed(0)} MB (the comparable system: 480 MB)`);
    if (storageDays > 0) await measureHistoryStorage(database.db);
  } finally {
    await bare.end().catch(() => {});
    await insertOnly.destroy();
    await database.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

/**
 * storageHosts hosts polled every 10 s for storageDays days, ending now, on the worker's light/full
 * schedule, stored hour by hour (all hosts' samples interleaved, as a writer receives them), rolled
 * up and compacted up to the horizon the maintenance job uses, then VACUUMed as autovacuum would.
 * Then the bytes of everything history takes, all kept, and again after retention at
 * its defaults (raw 14 days), per sample polled.
 */
async function measureHistoryStorage(db: VigilDb): Promise<void> {
  await sql`TRUNCATE samples, samples_1m, samples_1h, sample_chunks, rollup_progress, poll_failures`.execute(db);
  const endMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
  const startMs = endMs - storageDays * DAY_MS;
  const hosts = Array.from({ length: storageHosts }, (_, i) => simulatedSampleStream(`store-${String(i).padStart(3, '0')}`, startMs, INTERVAL_MS));
  await ensureSamplePartitions(db, startMs, storageDays + 1);
  for (const resolution of ['1m', '1h'] as const) await ensureRollupPartitions(db, resolution, startMs, endMs);
  console.log(`history storage: ${storageHosts} hosts × ${storageDays} days at 10 s, stored, rolled up and compacted hour by hour…`);
  const spent = { store: 0, rollUp: 0, compact: 0 };
  let polled = 0;
  let chunks = 0;
  const started = performance.now();
  for (let hourMs = startMs; hourMs < endMs; hourMs += HOUR_MS) {
    let t = performance.now();
    const hour = Array.from({ length: HOUR_MS / INTERVAL_MS }, () => hosts.map((next) => next())).flat();
    for (let i = 0; i < hour.length; i += batchSize) await insertSamples(db, hour.slice(i, i + batchSize));
    polled += hour.length;
    spent.store += performance.now() - t;
    t = performance.now();
    for (const resolution of ['1m', '1h'] as const) {
      await rollUpSamples(db, { resolution, fromMs: hourMs, toMs: hourMs + HOUR_MS });
      await recordRollupProgress(db, resolution, hourMs + HOUR_MS);
    }
    spent.rollUp += performance.now() - t;
    t = performance.now();
    const horizon = compactionHorizon(await readRollupProgress(db), 5 * 60_000);
    if (horizon !== null) chunks += (await compactHistory(db, { beforeMs: horizon })).chunks;
    spent.compact += performance.now() - t;
    // What autovacuum does here: each hour's compaction deletes more than its 20% threshold of the rows left.
    await sql`VACUUM samples, samples_1m`.execute(db);
    if ((hourMs - startMs) % DAY_MS === 0 && hourMs > startMs) {
      console.log(`  day ${(hourMs - startMs) / DAY_MS} of ${storageDays}: ${((performance.now() - started) / 60_000).toFixed(1)} min`);
    }
  }
  console.log(
    `  ${polled} samples; per 1,000 samples: store ${((spent.store / polled) * 1000).toFixed(0)} ms, roll up ${((spent.rollUp / polled) * 1000).toFixed(0)} ms, ` +
      `compact ${((spent.compact / polled) * 1000).toFixed(0)} ms (${chunks} chunks written)`,
  );
  await reportHistoryBytes(db, polled, 'everything kept', true);
  if (storageDays > DEFAULT_RAW_RETENTION_DAYS) {
    await applyRetention(db, { rawDays: DEFAULT_RAW_RETENTION_DAYS, rollupDays: DEFAULT_ROLLUP_RETENTION_DAYS, now: endMs });
    // Retention deletes chunk rows; the space they leave is reused by the chunks written after
    // (a day's worth a day), not given back. VACUUM FULL gives it back here, so that the figure is
    // what the history holds, as a fleet running on past day 14 would hold it.
    await sql`VACUUM FULL sample_chunks`.execute(db);
    await reportHistoryBytes(db, polled, `after retention at its defaults (raw ${DEFAULT_RAW_RETENTION_DAYS} days) and VACUUM FULL sample_chunks`);
  }
}

async function reportHistoryBytes(db: VigilDb, polled: number, label: string, projectRetention = false): Promise<void> {
  await sql`VACUUM ANALYZE samples, samples_1m, samples_1h, sample_chunks`.execute(db);
  const raw = await sizeOf(db, 'samples');
  const minute = await sizeOf(db, 'samples_1m');
  const hour = await sizeOf(db, 'samples_1h');
  const chunkTable = await sql<{ bytes: number; heap: number; indexes: number }>`
    SELECT pg_total_relation_size('sample_chunks')::int8 AS bytes, pg_relation_size('sample_chunks')::int8 AS heap,
      pg_indexes_size('sample_chunks')::int8 AS indexes`.execute(db);
  const payloads = await sql<{ kind: string; chunks: number; rows: number; bytes: number }>`
    SELECT kind, count(*)::int8 AS chunks, sum(row_count)::int8 AS rows, sum(octet_length(payload))::int8 AS bytes
    FROM sample_chunks GROUP BY kind ORDER BY kind`.execute(db);
  const chunkBytes = Number(chunkTable.rows[0]?.bytes ?? 0);
  const total = raw.bytes + minute.bytes + hour.bytes + chunkBytes;
  const per = (bytes: number): string => (bytes / polled).toFixed(1);
  console.log(`history bytes, ${label}: ${(total / 1e6).toFixed(1)} MB = ${per(total)} bytes per sample polled (${polled} samples)`);
  const partitions = await sql<{ name: string; bytes: number }>`
    SELECT relid::regclass::text AS name, pg_total_relation_size(relid)::int8 AS bytes FROM pg_partition_tree('samples') WHERE isleaf ORDER BY 1`.execute(db);
  const partitionList = partitions.rows.map((row) => `${row.name} ${(Number(row.bytes) / 1e6).toFixed(1)} MB`).join(', ');
  console.log(`  samples table: ${raw.rows} rows, ${(raw.bytes / 1e6).toFixed(1)} MB (${per(raw.bytes)} per sample polled; ${partitionList})`);
  console.log(`  samples_1m table: ${minute.rows} rows, ${(minute.bytes / 1e6).toFixed(1)} MB (${per(minute.bytes)})`);
  console.log(`  samples_1h table: ${hour.rows} rows, ${(hour.bytes / 1e6).toFixed(1)} MB (${per(hour.bytes)})`);
  console.log(
    `  sample_chunks: ${(chunkBytes / 1e6).toFixed(1)} MB (${per(chunkBytes)}; heap ${per(Number(chunkTable.rows[0]?.heap ?? 0))}, ` +
      `primary key ${per(Number(chunkTable.rows[0]?.indexes ?? 0))}, the rest TOAST)`,
  );
  for (const row of payloads.rows) {
    console.log(`    ${row.kind}: ${row.chunks} chunks of ${row.rows} rows, payloads ${(Number(row.bytes) / 1e6).toFixed(1)} MB = ${(Number(row.bytes) / Number(row.rows)).toFixed(1)} bytes per row`);
  }
  const tenHosts30Days = (total / polled) * 10 * 30 * 8640;
  console.log(`  10 hosts × 30 days at 10 s at this rate: ${(tenHosts30Days / 1e6).toFixed(0)} MB (the comparable system: 480 MB, ~185 bytes per sample)`);
  // A run shorter than the raw retention cannot measure it: the raw chunks' share of the chunk
  // table (its overhead split in proportion to the payloads) kept for 14 of the 30 days, the rest all 30.
  if (!projectRetention) return;
  const payloadBytes = payloads.rows.reduce((sum, row) => sum + Number(row.bytes), 0);
  const rawPayloadBytes = Number(payloads.rows.find((row) => row.kind === 'raw')?.bytes ?? 0);
  const rawChunkBytes = payloadBytes > 0 ? (chunkBytes * rawPayloadBytes) / payloadBytes : 0;
  const atRetention = ((total - rawChunkBytes * (1 - DEFAULT_RAW_RETENTION_DAYS / 30)) / polled) * 10 * 30 * 8640;
  console.log(
    `  projected, 10 hosts × 30 days with raw samples kept ${DEFAULT_RAW_RETENTION_DAYS} days: ${(atRetention / 1e6).toFixed(0)} MB ` +
      `(${(atRetention / 480e6).toFixed(2)}× of 480 MB)`,
  );
}

/** Rows and bytes (heap, indexes, TOAST) of a partitioned table, all partitions summed. */
async function sizeOf(db: VigilDb, table: string): Promise<{ rows: number; bytes: number; heap: number; indexes: number; toast: number }> {
  const count = await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM ${sql.id(table)}`.execute(db);
  const size = await sql<{ bytes: number; heap: number; indexes: number }>`
    SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::int8 AS bytes,
      coalesce(sum(pg_relation_size(relid)), 0)::int8 AS heap,
      coalesce(sum(pg_indexes_size(relid)), 0)::int8 AS indexes
    FROM pg_partition_tree(${table}::regclass)`.execute(db);
  const bytes = Number(size.rows[0]?.bytes ?? 0);
  const heap = Number(size.rows[0]?.heap ?? 0);
  const indexes = Number(size.rows[0]?.indexes ?? 0);
  return { rows: Number(count.rows[0]?.n ?? 0), bytes, heap, indexes, toast: bytes - heap - indexes };
}

await main();
