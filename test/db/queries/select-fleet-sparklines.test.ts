import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { VigilDb } from '../../../lib/db/database.ts';
import { selectFleetSparklines } from '../../../lib/db/queries/select-fleet-sparklines.ts';
import { recordRollupProgress } from '../../../lib/db/rollups/rollup-progress.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

// 12:00:30: the range of 10 minutes ends with the minute holding now, so it is [11:51, 12:01).
const NOW = Date.parse('2025-03-01T12:00:30.000Z');
const MINUTE = 60_000;
const RANGE_START = Date.parse('2025-03-01T11:51:00.000Z');

async function insertHost(db: VigilDb, name: string, removedAt: number | null = null): Promise<void> {
  await db
    .insertInto('hosts')
    .values({ name, address: '127.0.0.1', connection: 'ssh', groups: '[]', interval_sec: 10, removed_at: removedAt === null ? null : new Date(removedAt) })
    .execute();
}

async function insertRollup(db: VigilDb, host: string, bucketMs: number, cpu: number | null, samples: number): Promise<void> {
  await db.insertInto('samples_1m').values({ host, bucket: new Date(bucketMs), sample_count: samples, cpu_busy_pct_avg: cpu }).execute();
}

async function insertSample(db: VigilDb, host: string, tsMs: number, cpu: number | null): Promise<void> {
  await db
    .insertInto('samples')
    .values({
      host, ts: new Date(tsMs), cpu_busy_pct: cpu, cpu_count: 2, mem_total_bytes: 1, mem_available_bytes: 1, mem_used_pct: 1,
      swap_total_bytes: 0, swap_used_bytes: 0, load1: 0, load5: 0, load15: 0, uptime_sec: 1, net_rx_bps: 0, net_tx_bps: 0,
      disk_used_pct_max: 0, filesystems: '[]', interfaces: '[]',
    })
    .execute();
}

for (const kind of ['pglite', 'postgres'] as const) {
  void describe(`selectFleetSparklines on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      const { db } = testDb;
      for (const name of ['web-1', 'web-2', 'idle-1', '__proto__']) await insertHost(db, name);
      await insertHost(db, 'gone-long-ago', NOW - 86_400_000);
      // Rolled up until 11:58; later minutes come from the raw samples.
      await recordRollupProgress(db, '1m', RANGE_START + 7 * MINUTE);
      // web-1: one rollup per minute of 6 samples, 10 % + 1 % a minute.
      for (let minute = 0; minute < 7; minute++) await insertRollup(db, 'web-1', RANGE_START + minute * MINUTE, 10 + minute, 6);
      // Before the range: never shown.
      await insertRollup(db, 'web-1', RANGE_START - MINUTE, 99, 6);
      // A rollup row past the mark (a pass in progress): ignored in favour of the raw samples.
      await insertRollup(db, 'web-1', RANGE_START + 7 * MINUTE, 99, 6);
      await insertSample(db, 'web-1', RANGE_START + 7 * MINUTE + 5_000, 30);
      await insertSample(db, 'web-1', RANGE_START + 7 * MINUTE + 15_000, 40);
      await insertSample(db, 'web-1', RANGE_START + 9 * MINUTE + 20_000, 50);
      // web-2: only raw samples, one without a CPU figure (a first poll).
      await insertSample(db, 'web-2', RANGE_START + 8 * MINUTE, null);
      await insertSample(db, 'web-2', RANGE_START + 9 * MINUTE, 70);
      await insertSample(db, '__proto__', RANGE_START + 9 * MINUTE, 5);
      await insertRollup(db, 'gone-long-ago', RANGE_START, 50, 6);
    });
    after(async () => testDb?.close());

    void test('averages rollups and the raw tail into points, weighted by samples, null where nothing was sampled', async () => {
      const lines = await selectFleetSparklines(testDb.db, { nowMs: NOW, minutes: 10, points: 5 });
      assert.equal(lines.from, new Date(RANGE_START).toISOString());
      assert.equal(lines.to, '2025-03-01T12:01:00.000Z');
      assert.equal(lines.step, 120);
      assert.deepEqual(Object.keys(lines.hosts).sort(), ['__proto__', 'web-1', 'web-2']);
      // Points of two minutes: (10+11)/2, (12+13)/2, (14+15)/2, (16 weighing 6 + 30 + 40) / 8, 50.
      assert.deepEqual(lines.hosts['web-1'], [10.5, 12.5, 14.5, 20.8, 50]);
      assert.deepEqual(lines.hosts['web-2'], [null, null, null, null, 70]);
      assert.ok(Object.hasOwn(lines.hosts, '__proto__'), 'a host named __proto__ is an own key');
      assert.deepEqual(Object.getOwnPropertyDescriptor(lines.hosts, '__proto__')?.value, [null, null, null, null, 5]);
    });

    void test('with as many points as minutes, each point is one minute', async () => {
      const lines = await selectFleetSparklines(testDb.db, { nowMs: NOW, minutes: 10, points: 10 });
      assert.deepEqual(lines.hosts['web-1'], [10, 11, 12, 13, 14, 15, 16, 35, null, 50]);
    });
  });
}

void describe('selectFleetSparklines at fleet scale on PostgreSQL', () => {
  let testDb: TestDatabase;
  const hosts = 5000;
  before(async () => {
    testDb = await createTestDatabase('postgres');
    const now = new Date(NOW).toISOString();
    await sql`insert into hosts (name, address, connection, groups, interval_sec)
      select 'host-' || lpad(i::text, 5, '0'), '127.0.0.1', 'ssh', '[]', 10 from generate_series(1, ${hosts}) i`.execute(testDb.db);
    // Three hours of minutes per host (the two older ones outside the range), rolled up until two minutes ago.
    await sql`insert into samples_1m (host, bucket, sample_count, cpu_busy_pct_avg)
      select h.name, b, 6, (extract(epoch from b)::bigint % 97)::float8
      from hosts h, generate_series(date_trunc('minute', cast(${now} as timestamptz)) - interval '180 minutes',
                                    date_trunc('minute', cast(${now} as timestamptz)) - interval '3 minutes', interval '1 minute') b`.execute(testDb.db);
    await recordRollupProgress(testDb.db, '1m', NOW - 2 * MINUTE - (NOW % MINUTE));
    // The raw tail: every 10 s since the mark.
    await sql`insert into samples (host, ts, cpu_busy_pct, filesystems, interfaces)
      select h.name, t, 42, '[]', '[]'
      from hosts h, generate_series(date_trunc('minute', cast(${now} as timestamptz)) - interval '2 minutes', cast(${now} as timestamptz), interval '10 seconds') t`.execute(testDb.db);
    await sql`analyze`.execute(testDb.db);
  });
  after(async () => testDb?.close());

  void test(`answers for ${hosts} hosts × 60 minutes (measured, not asserted)`, async () => {
    const timings: number[] = [];
    let lines;
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      lines = await selectFleetSparklines(testDb.db, { nowMs: NOW, minutes: 60, points: 30 });
      timings.push(performance.now() - started);
    }
    assert.ok(lines);
    assert.equal(Object.keys(lines.hosts).length, hosts);
    const line = lines.hosts['host-00001'];
    assert.equal(line?.length, 30);
    assert.ok(line?.every((v) => v !== null), 'every point of every line has a value');
    assert.equal(line?.at(-1), 42, 'the last point comes from the raw tail');
    timings.sort((a, b) => a - b);
    const bytes = JSON.stringify(lines).length;
    console.log(`# fleet sparklines, ${hosts} hosts × 60 min of 1-minute rollups + 2 min raw tail on PostgreSQL: median ${timings[2]!.toFixed(0)} ms (min ${timings[0]!.toFixed(0)}, max ${timings[4]!.toFixed(0)}), ${(bytes / 1024).toFixed(0)} KiB of JSON`);
  });
});
