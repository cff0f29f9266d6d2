import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { VigilDb } from '../../../lib/db/database.ts';
import { selectHostSeries } from '../../../lib/db/queries/select-host-series.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
// The clock the queries see: these ranges are recent, so they read raw samples.
const NOW = T0 + 60_000;

async function insertHost(db: VigilDb, name: string): Promise<void> {
  await db.insertInto('hosts').values({ name, address: name, connection: 'ssh', groups: '[]', interval_sec: 10 }).execute();
}

/** Sample i of a host: every figure derived from i, so that averages are easy to predict. */
async function insertSamples(db: VigilDb, host: string, times: number[]): Promise<void> {
  await db
    .insertInto('samples')
    .values(
      times.map((tsMs, i) => ({
        host,
        ts: new Date(tsMs),
        cpu_busy_pct: i,
        cpu_count: 2,
        mem_total_bytes: 2 ** 34,
        mem_available_bytes: 2 ** 33,
        mem_used_pct: 100 - i,
        swap_total_bytes: 0,
        swap_used_bytes: 0,
        load1: i / 10,
        load5: 0,
        load15: 0,
        uptime_sec: 100,
        net_rx_bps: i * 1000,
        net_tx_bps: i === 1 ? null : i * 10,
        disk_used_pct_max: 50,
        filesystems: '[]',
        interfaces: '[]',
      })),
    )
    .execute();
}

for (const kind of ['pglite', 'postgres'] as const) {
  void describe(`selectHostSeries on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await insertHost(testDb.db, 'a');
      await insertHost(testDb.db, 'b');
      await insertHost(testDb.db, 'empty');
      // Inserted out of order; 500 ms offsets check that sub-second precision survives.
      await insertSamples(testDb.db, 'a', [T0 + 20_500, T0, T0 + 10_000, T0 + 30_000]);
      await insertSamples(testDb.db, 'b', [T0 + 5_000]);
    });
    after(async () => testDb?.close());

    void test('returns aligned columns in ts order, timestamps in seconds', async () => {
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'a', fromMs: T0 - 1000, toMs: T0 + 60_000 });
      assert.deepEqual(series, {
        host: 'a',
        from: new Date(T0 - 1000).toISOString(),
        to: new Date(T0 + 60_000).toISOString(),
        resolution: 'raw',
        bucketSec: null,
        ts: [T0 / 1000, T0 / 1000 + 10, T0 / 1000 + 20.5, T0 / 1000 + 30],
        // Insertion index i was [1, 2, 0, 3] for ts order [T0, +10, +20.5, +30].
        cpuBusyPct: [1, 2, 0, 3],
        memUsedPct: [99, 98, 100, 97],
        load1: [0.1, 0.2, 0, 0.3],
        netRxBytesPerSec: [1000, 2000, 0, 3000],
        netTxBytesPerSec: [null, 20, 0, 30],
        diskUsedPctMax: [50, 50, 50, 50],
      });
    });

    void test('keeps to the range, both ends included, and to the host', async () => {
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'a', fromMs: T0 + 10_000, toMs: T0 + 20_500 });
      assert.deepEqual(series?.ts, [T0 / 1000 + 10, T0 / 1000 + 20.5]);
      assert.deepEqual(series?.cpuBusyPct, [2, 0]);
    });

    void test('gives empty arrays for a known host without samples in the range', async () => {
      for (const host of ['empty', 'b']) {
        const series = await selectHostSeries(testDb.db, { nowMs: NOW, host, fromMs: T0 + 6000, toMs: T0 + 9000 });
        assert.equal(series?.host, host);
        assert.deepEqual(series?.ts, []);
        assert.deepEqual(series?.cpuBusyPct, []);
        assert.deepEqual(series?.netTxBytesPerSec, []);
      }
    });

    void test('gives null for an unknown host', async () => {
      assert.equal(await selectHostSeries(testDb.db, { nowMs: NOW, host: 'nope', fromMs: T0, toMs: T0 + 1000 }), null);
    });

    void test('averages into time buckets when the range holds more than maxPoints samples', async () => {
      // Four samples, two buckets of 30 s: [T0, T0+10, T0+20.5] and [T0+30].
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'a', fromMs: T0, toMs: T0 + 60_000, maxPoints: 2 });
      assert.equal(series?.bucketSec, 30);
      assert.deepEqual(series?.ts, [T0 / 1000, T0 / 1000 + 30]);
      assert.deepEqual(series?.cpuBusyPct, [1, 3]);
      assert.deepEqual(series?.memUsedPct, [99, 97]);
      // avg() skips nulls: (20 + 0) / 2.
      assert.deepEqual(series?.netTxBytesPerSec, [10, 30]);
    });

    void test('never returns more than maxPoints buckets, whatever the range start', async () => {
      // Three buckets of 11 s from T0 - 3 s; the sample at exactly `to` joins the last one.
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'a', fromMs: T0 - 3000, toMs: T0 + 30_000, maxPoints: 3 });
      assert.ok(series?.bucketSec !== null && Math.abs((series?.bucketSec ?? 0) - 11) < 1e-9);
      // [-3,8) holds T0; [8,19) holds +10; the last bucket [19,30] holds +20.5 and +30.
      assert.deepEqual(series?.ts, [T0 / 1000, T0 / 1000 + 10, T0 / 1000 + 20.5]);
      assert.deepEqual(series?.cpuBusyPct, [1, 2, 1.5]);
    });

    void test('leaves samples raw when there are exactly maxPoints of them', async () => {
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'a', fromMs: T0, toMs: T0 + 60_000, maxPoints: 4 });
      assert.equal(series?.bucketSec, null);
      assert.equal(series?.ts.length, 4);
    });
  });
}

for (const kind of ['pglite', 'postgres'] as const) {
  void describe(`selectHostSeries from rollups on ${kind}`, () => {
    let testDb: TestDatabase;
    const M = 60_000;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await insertHost(testDb.db, 'r');
      await testDb.db
        .insertInto('samples_1m')
        .values([
          { host: 'r', bucket: new Date(T0 - 10 * M), sample_count: 6, cpu_busy_pct_avg: 10, mem_used_pct_avg: 50 },
          { host: 'r', bucket: new Date(T0 - 9 * M), sample_count: 2, cpu_busy_pct_avg: 40, mem_used_pct_avg: null },
        ])
        .execute();
      await testDb.db.insertInto('rollup_progress').values({ resolution: '1m', rolled_until: new Date(T0 - 8 * M) }).execute();
      // Raw samples: one already counted in the first rollup, three after the mark (cpu 1, 2, 3).
      await insertSamples(testDb.db, 'r', [T0 - 10 * M + 5000, T0 - 8 * M, T0 - 8 * M + 30_000, T0 - 7 * M]);
    });
    after(async () => testDb?.close());

    void test('reads rolled-up buckets, and the buckets after the mark from the raw samples', async () => {
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'r', fromMs: T0 - 10 * M + 1, toMs: T0, resolution: '1m' });
      assert.equal(series?.resolution, '1m');
      assert.equal(series?.bucketSec, 60);
      assert.deepEqual(series?.ts, [T0 - 10 * M, T0 - 9 * M, T0 - 8 * M, T0 - 7 * M].map((ms) => ms / 1000));
      assert.deepEqual(series?.cpuBusyPct, [10, 40, 1.5, 3]);
      assert.deepEqual(series?.memUsedPct, [50, null, 98.5, 97]);
    });

    void test('averages of buckets weigh each by its sample count', async () => {
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'r', fromMs: T0 - 10 * M, toMs: T0 - 6 * M, resolution: '1m', maxPoints: 2 });
      assert.equal(series?.bucketSec, 120);
      // (10 × 6 + 40 × 2) / 8 and (1 + 2 + 3) / 3; a null average carries no weight.
      assert.deepEqual(series?.cpuBusyPct, [17.5, 2]);
      assert.deepEqual(series?.memUsedPct, [50, 98]);
    });

    void test('auto reads a rollup for a short range past raw retention, raw samples for a recent one', async () => {
      const old = await selectHostSeries(testDb.db, { nowMs: T0 + 30 * 86_400_000, host: 'r', fromMs: T0 - 10 * M, toMs: T0 });
      assert.equal(old?.resolution, '1m');
      assert.equal(old?.ts.length, 4);
      const recent = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'r', fromMs: T0 - 10 * M, toMs: T0 });
      assert.equal(recent?.resolution, 'raw');
      assert.equal(recent?.ts.length, 4);
    });
  });
}
