import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { selectStoredRows, selectTableRows } from '../../../lib/db/chunks/select-stored-rows.ts';
import { ensureSamplePartitions, listSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { readRollupProgress } from '../../../lib/db/rollups/rollup-progress.ts';
import { createLogger } from '../../../lib/log.ts';
import { silentLogger } from '../../../lib/log.ts';
import { startMaintenance } from '../../../services/writer/maintenance.ts';
import { startWriter } from '../../../services/writer/writer-service.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { waitFor } from '../../support/wait-for.ts';

const M = 60_000;
const H = 60 * M;
const DAY = 24 * H;
// 10:30:20 UTC: the minutes before 10:30 and the hours before 10:00 are closed.
const START = Date.parse('2026-11-23T10:30:20.000Z');

async function insertSample(db: VigilDb, host: string, ts: number, cpu: number): Promise<void> {
  await db
    .insertInto('samples')
    .values({
      host, ts: new Date(ts), cpu_busy_pct: cpu, cpu_count: 1, mem_total_bytes: 1, mem_available_bytes: 1, mem_used_pct: 1,
      swap_total_bytes: 0, swap_used_bytes: 0, load1: 0, load5: 0, load15: 0, uptime_sec: 1, net_rx_bps: 0, net_tx_bps: 0,
      disk_used_pct_max: 0, filesystems: '[]', interfaces: '[]',
    })
    .execute();
}

async function minuteOf(db: VigilDb, host: string, bucketMs: number) {
  return db.selectFrom('samples_1m').select(['sample_count', 'cpu_busy_pct_max']).where('host', '=', host).where('bucket', '=', new Date(bucketMs)).executeTakeFirst();
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`writer maintenance on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('rolls up closed minutes and hours, picks up late samples, and expires old partitions', async () => {
      const { db } = testDb;
      await ensureSamplePartitions(db, START - 20 * DAY, 0);
      await ensureSamplePartitions(db, START, 0);
      // 08:00 to 10:30 every 10 minutes, plus one more at 10:30:10, in the minute still open.
      for (let ts = START - 20_000 - 150 * M; ts <= START - 20_000; ts += 10 * M) await insertSample(db, 'h', ts, 1);
      await insertSample(db, 'h', START - 10_000, 99);
      let clock = START;
      // Compaction off: this test reads the rollup tables themselves (the next one compacts).
      const maintenance = startMaintenance({ db, log: silentLogger, now: () => clock, firstPassDelayMs: 3_600_000, chunkMs: DAY, compaction: false });
      try {
        const first = await maintenance.runOnce();
        assert.equal(first.ran, true);
        assert.deepEqual(await readRollupProgress(db), { '1m': START - 20_000, '1h': Date.parse('2026-11-23T10:00:00Z') });
        // Minutes 08:00 … 10:20 (15 of them); 10:30 is still open.
        const minutes = await db.selectFrom('samples_1m').select('bucket').where('host', '=', 'h').orderBy('bucket').execute();
        assert.equal(minutes.length, 15);
        assert.equal(minutes[0]?.bucket.toISOString(), '2026-11-23T08:00:00.000Z');
        assert.equal(minutes.at(-1)?.bucket.toISOString(), '2026-11-23T10:20:00.000Z');
        const hours = await db.selectFrom('samples_1h').select(['bucket', 'sample_count']).where('host', '=', 'h').orderBy('bucket').execute();
        assert.deepEqual(hours.map((row) => [row.bucket.toISOString(), row.sample_count]), [
          ['2026-11-23T08:00:00.000Z', 6],
          ['2026-11-23T09:00:00.000Z', 6],
        ]);
        // Retention ran at the first pass: the raw day 20 days back is gone, today stays.
        assert.deepEqual(first.dropped, ['samples_p20261103']);
        assert.deepEqual(await listSamplePartitions(db), ['samples_p20261123']);

        // A minute later: 10:30 has closed, and a late sample arrived for 10:27.
        clock += M;
        await insertSample(db, 'h', START - 3 * M, 50);
        const second = await maintenance.runOnce();
        assert.equal(second.buckets['1m'], 2);
        assert.equal(second.buckets['1h'], 0);
        assert.equal(second.dropped, null);
        assert.deepEqual(await minuteOf(db, 'h', START - 20_000), { sample_count: 2, cpu_busy_pct_max: 99 });
        assert.deepEqual(await minuteOf(db, 'h', Date.parse('2026-11-23T10:27:00Z')), { sample_count: 1, cpu_busy_pct_max: 50 });

        // Past 11:00, the hour 10:00 is built, the 10:30 sample included.
        clock = Date.parse('2026-11-23T11:00:30Z');
        const third = await maintenance.runOnce();
        assert.equal(third.buckets['1h'], 1);
        const ten = await db.selectFrom('samples_1h').select(['sample_count', 'cpu_busy_pct_max']).where('bucket', '=', new Date('2026-11-23T10:00:00Z')).executeTakeFirst();
        assert.deepEqual(ten, { sample_count: 6, cpu_busy_pct_max: 99 });
      } finally {
        await maintenance.stop();
      }
    });

    void test('moves the hours the rollups are done with into chunks, once per closed hour', async () => {
      const { db } = testDb;
      // Another day, 06:00 to 08:59:50, every 10 minutes, on its own host.
      const day = START - 2 * DAY;
      await ensureSamplePartitions(db, day, 0);
      const first = Date.parse('2026-11-21T06:00:00Z');
      for (let ts = first; ts < first + 3 * H; ts += 10 * M) await insertSample(db, 'c', ts, 3);
      const range = { fromMs: first, toMs: first + 3 * H };
      const before = await selectStoredRows(db, 'raw', 'c', range);
      let clock = Date.parse('2026-11-21T09:00:20Z');
      await db.deleteFrom('rollup_progress').execute();
      const maintenance = startMaintenance({ db, log: silentLogger, now: () => clock, firstPassDelayMs: 3_600_000, chunkMs: DAY });
      try {
        // The hours roll up to 09:00; the minutes of 08:00 may be rolled again, so 06:00 and 07:00 move.
        const pass = await maintenance.runOnce();
        assert.equal(pass.compacted?.chunks, 4);
        const chunks = await db.selectFrom('sample_chunks').select(['kind', 'start_ts']).where('host', '=', 'c').orderBy(['kind', 'start_ts']).execute();
        assert.deepEqual(chunks.map((c) => [c.kind, c.start_ts.toISOString()]), [
          ['1m', '2026-11-21T06:00:00.000Z'],
          ['1m', '2026-11-21T07:00:00.000Z'],
          ['raw', '2026-11-21T06:00:00.000Z'],
          ['raw', '2026-11-21T07:00:00.000Z'],
        ]);
        assert.deepEqual(await selectStoredRows(db, 'raw', 'c', range), before);
        assert.equal((await selectTableRows(db, 'raw', 'c', range, [])).length, 6);
        // The same hour again: nothing to do, not even a look.
        clock += M;
        assert.equal((await maintenance.runOnce()).compacted, null);
        clock = Date.parse('2026-11-21T10:00:30Z');
        // 08:00's minutes and samples but its last: a host's newest sample stays in the table.
        assert.equal((await maintenance.runOnce()).compacted?.rows, 6 + 5);
      } finally {
        await maintenance.stop();
      }
    });

    void test('runs with the writer and stops with it', async () => {
      const lines: string[] = [];
      const log = createLogger({}, { level: 'debug', write: (line) => lines.push(line) });
      const bus = new MemoryBus();
      // Forget the fixed clock of the test before: this one runs on the real one.
      await testDb.db.deleteFrom('rollup_progress').execute();
      const at = Date.now() - 2 * H;
      await ensureSamplePartitions(testDb.db, at, 2);
      await insertSample(testDb.db, 'with-writer', at, 7);
      const writer = await startWriter({ bus, db: testDb.db, log, maintenance: { intervalMs: 20, compaction: false } });
      const bucket = Math.floor(at / M) * M;
      try {
        await waitFor('the writer maintenance to roll the sample up', 60_000, async () => ((await minuteOf(testDb.db, 'with-writer', bucket)) ? true : undefined));
      } finally {
        await writer.stop();
        await bus.close();
      }
      const passesAfterStop = (await readRollupProgress(testDb.db))['1m'];
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal((await readRollupProgress(testDb.db))['1m'], passesAfterStop, 'a pass ran after stop()');
      assert.deepEqual(lines.filter((line) => line.includes('maintenance')), []);
    });
  });
}
