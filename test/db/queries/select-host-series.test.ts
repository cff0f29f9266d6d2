import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { VigilDb } from '../../../lib/db/database.ts';
import { compactHistory } from '../../../lib/db/chunks/compact-history.ts';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { insertSamples as insertSamplesOf } from '../../../lib/db/queries/insert-samples.ts';
import { selectHostSeries } from '../../../lib/db/queries/select-host-series.ts';
import type { HostSeriesQuery } from '../../../lib/db/queries/select-host-series.ts';
import { rollUpSamples } from '../../../lib/db/rollups/roll-up-samples.ts';
import { ensureRollupPartitions } from '../../../lib/db/rollups/rollup-partitions.ts';
import { recordRollupProgress } from '../../../lib/db/rollups/rollup-progress.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { simulatedSamples } from '../../../lib/simulator/simulated-samples.ts';

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
        // Samples without CPU modes, swap, load per core, disk rates, kernel activity or devices.
        cpuUserPct: [null, null, null, null],
        cpuNicePct: [null, null, null, null],
        cpuSystemPct: [null, null, null, null],
        cpuIowaitPct: [null, null, null, null],
        cpuIrqPct: [null, null, null, null],
        cpuSoftirqPct: [null, null, null, null],
        cpuStealPct: [null, null, null, null],
        swapUsedPct: [null, null, null, null],
        load5: [0, 0, 0, 0],
        load15: [0, 0, 0, 0],
        loadPerCore: [null, null, null, null],
        diskReadBytesPerSec: [null, null, null, null],
        diskWriteBytesPerSec: [null, null, null, null],
        contextSwitchesPerSec: [null, null, null, null],
        interruptsPerSec: [null, null, null, null],
        forksPerSec: [null, null, null, null],
        processesBlocked: [null, null, null, null],
        filesystems: [],
        interfaces: [],
        disks: [],
        gpus: [],
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

    void test('a rollup bucket that starts before "from" joins the first bucket: never more than maxPoints', async () => {
      // From the middle of the first minute: its bucket starts 30 s before the range.
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'r', fromMs: T0 - 10 * M + 30_000, toMs: T0 - 6 * M, resolution: '1m', maxPoints: 2 });
      // Buckets of 105 s from the range's start: the minutes from T0 - 10 min to T0 - 8 min, then T0 - 7 min.
      assert.deepEqual(series?.ts, [T0 - 10 * M, T0 - 7 * M].map((ms) => ms / 1000));
      assert.deepEqual(series?.cpuBusyPct, [(10 * 6 + 40 * 2 + 1.5 * 2) / 10, 3]);
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

/** A sample of host `host` at tsMs whose every chart figure derives from k; devices come and go with k. */
function detailedSample(host: string, tsMs: number, k: number) {
  return {
    host,
    ts: new Date(tsMs),
    cpu_busy_pct: 10 * k,
    cpu_count: 4,
    mem_total_bytes: 1000,
    mem_available_bytes: 500,
    mem_used_pct: 50,
    swap_total_bytes: 1000,
    swap_used_bytes: 100 * k,
    load1: k,
    load5: 2 * k,
    load15: 3 * k,
    load_per_core: k / 4,
    uptime_sec: 100,
    net_rx_bps: 100 * k,
    net_tx_bps: 10 * k,
    disk_used_pct_max: 10 * k,
    disk_read_bps: 1000 * k,
    disk_write_bps: 2000 * k,
    // Kernel activity only from k = 2: the first sample as a worker stored it before migration 0018.
    ...(k >= 2 && { context_switches_per_sec: 1000 * k, interrupts_per_sec: 100 * k, forks_per_sec: k / 2, processes_blocked: k % 2 }),
    cpu_modes: JSON.stringify({ user: 5 * k, nice: 1, system: 2 * k, idle: 80, iowait: k, irq: 0.25, softirq: 0.5, steal: 0.1, guest: 0 }),
    filesystems: JSON.stringify([{ mount: '/', device: '/dev/sda1', sizeBytes: 100, usedBytes: 10 * k, availableBytes: 100 - 10 * k, usedPct: 10 * k }]),
    interfaces: JSON.stringify([
      { name: 'lo', rxBytesPerSec: 5, txBytesPerSec: 5, loopback: true },
      { name: 'eth0', rxBytesPerSec: 100 * k, txBytesPerSec: 10 * k },
      // Only in odd samples: a device that comes and goes leaves nulls where it was absent.
      ...(k % 2 === 1 ? [{ name: '__proto__', rxBytesPerSec: k, txBytesPerSec: 0 }] : []),
    ]),
    // Latency only from k = 3 (the first two as a worker stored them before it was collected); no write completed at k = 3.
    disks: JSON.stringify([{
      name: 'sda', readBytesPerSec: 1000 * k, writeBytesPerSec: 2000 * k, readIops: 1, writeIops: 1, busyPct: k,
      ...(k >= 3 && { readLatencyMs: 0.5 * k, writeLatencyMs: k === 3 ? null : 2 * k }),
    }]),
    gpus: JSON.stringify([
      { index: 0, uuid: 'u', name: 'H100', utilizationPct: 20 * k, memoryUtilizationPct: 1, memoryUsedBytes: 100 * k, memoryTotalBytes: 1000, temperatureC: 40 + k, powerDrawW: null, powerLimitW: null },
    ]),
  };
}

for (const kind of ['pglite', 'postgres'] as const) {
  void describe(`selectHostSeries of chart detail and devices on ${kind}`, () => {
    let testDb: TestDatabase;
    const M = 60_000;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await insertHost(testDb.db, 'd');
      // k = 1..4, one sample per 30 s from T0 - 2 min.
      await testDb.db
        .insertInto('samples')
        .values([1, 2, 3, 4].map((k) => detailedSample('d', T0 - 2 * M + (k - 1) * 30_000, k)))
        .execute();
    });
    after(async () => testDb?.close());

    void test('raw: every chart column, and one entry per device aligned to ts (loopback left out)', async () => {
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'd', fromMs: T0 - 3 * M, toMs: T0 });
      assert.equal(series?.resolution, 'raw');
      assert.deepEqual(series?.ts, [120, 90, 60, 30].map((s) => T0 / 1000 - s));
      assert.deepEqual(series?.cpuUserPct, [5, 10, 15, 20]);
      assert.deepEqual(series?.cpuSystemPct, [2, 4, 6, 8]);
      assert.deepEqual(series?.cpuIowaitPct, [1, 2, 3, 4]);
      assert.deepEqual(series?.cpuIrqPct, [0.25, 0.25, 0.25, 0.25]);
      assert.deepEqual(series?.cpuStealPct, [0.1, 0.1, 0.1, 0.1]);
      assert.deepEqual(series?.swapUsedPct, [10, 20, 30, 40]);
      assert.deepEqual(series?.load15, [3, 6, 9, 12]);
      assert.deepEqual(series?.loadPerCore, [0.25, 0.5, 0.75, 1]);
      assert.deepEqual(series?.diskWriteBytesPerSec, [2000, 4000, 6000, 8000]);
      assert.deepEqual(series?.contextSwitchesPerSec, [null, 2000, 3000, 4000]);
      assert.deepEqual(series?.interruptsPerSec, [null, 200, 300, 400]);
      assert.deepEqual(series?.forksPerSec, [null, 1, 1.5, 2]);
      assert.deepEqual(series?.processesBlocked, [null, 0, 1, 0]);
      assert.deepEqual(series?.filesystems, [{ name: '/', usedPct: [10, 20, 30, 40] }]);
      assert.deepEqual(series?.interfaces, [
        { name: '__proto__', rxBytesPerSec: [1, null, 3, null], txBytesPerSec: [0, null, 0, null] },
        { name: 'eth0', rxBytesPerSec: [100, 200, 300, 400], txBytesPerSec: [10, 20, 30, 40] },
      ]);
      assert.deepEqual(series?.disks, [{
        name: 'sda', readBytesPerSec: [1000, 2000, 3000, 4000], writeBytesPerSec: [2000, 4000, 6000, 8000], busyPct: [1, 2, 3, 4],
        readLatencyMs: [null, null, 1.5, 2], writeLatencyMs: [null, null, null, 8],
      }]);
      assert.deepEqual(series?.gpus, [{ name: '0', utilizationPct: [20, 40, 60, 80], memoryUsedPct: [10, 20, 30, 40], temperatureC: [41, 42, 43, 44] }]);
    });

    void test('raw, bucketed: devices are averaged into the same buckets as the headline figures', async () => {
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'd', fromMs: T0 - 2 * M, toMs: T0, maxPoints: 2 });
      assert.equal(series?.bucketSec, 60);
      assert.deepEqual(series?.ts, [T0 / 1000 - 120, T0 / 1000 - 60]);
      assert.deepEqual(series?.cpuUserPct, [7.5, 17.5]);
      assert.deepEqual(series?.filesystems, [{ name: '/', usedPct: [15, 35] }]);
      // Each bucket's average over the samples that had the device.
      assert.deepEqual(series?.interfaces[0], { name: '__proto__', rxBytesPerSec: [1, 3], txBytesPerSec: [0, 0] });
      assert.deepEqual(series?.gpus[0]?.temperatureC, [41.5, 43.5]);
      assert.deepEqual([series?.disks[0]?.readLatencyMs, series?.disks[0]?.writeLatencyMs], [[null, 1.75], [null, 8]]);
    });

    void test('rollups: rolled buckets and the raw tail after the mark carry the same columns', async () => {
      // The first minute is rolled up; the second is past the mark, read from the raw samples.
      await rollUpSamples(testDb.db, { resolution: '1m', fromMs: T0 - 2 * M, toMs: T0 - M });
      await recordRollupProgress(testDb.db, '1m', T0 - M);
      const series = await selectHostSeries(testDb.db, { nowMs: NOW, host: 'd', fromMs: T0 - 2 * M, toMs: T0, resolution: '1m' });
      assert.equal(series?.resolution, '1m');
      assert.deepEqual(series?.ts, [T0 / 1000 - 120, T0 / 1000 - 60]);
      assert.deepEqual(series?.cpuUserPct, [7.5, 17.5]);
      assert.deepEqual(series?.swapUsedPct, [15, 35]);
      assert.deepEqual(series?.load5, [3, 7]);
      assert.deepEqual(series?.diskReadBytesPerSec, [1500, 3500]);
      // The rolled minute's averages leave out its sample from before kernel activity, as the raw tail's would.
      assert.deepEqual(series?.contextSwitchesPerSec, [2000, 3500]);
      assert.deepEqual(series?.interruptsPerSec, [200, 350]);
      assert.deepEqual(series?.forksPerSec, [1, 1.75]);
      assert.deepEqual(series?.processesBlocked, [0, 0.5]);
      assert.deepEqual(series?.filesystems, [{ name: '/', usedPct: [15, 35] }]);
      assert.deepEqual(series?.interfaces, [
        { name: '__proto__', rxBytesPerSec: [1, 3], txBytesPerSec: [0, 0] },
        { name: 'eth0', rxBytesPerSec: [150, 350], txBytesPerSec: [15, 35] },
      ]);
      assert.deepEqual(series?.disks[0]?.busyPct, [1.5, 3.5]);
      // The rolled minute had no latency (its samples predate it), the raw tail's does.
      assert.deepEqual([series?.disks[0]?.readLatencyMs, series?.disks[0]?.writeLatencyMs], [[null, 1.75], [null, 8]]);
      assert.deepEqual(series?.gpus[0]?.memoryUsedPct, [15, 35]);
    });
  });
}

for (const kind of ['pglite', 'postgres'] as const) {
  void describe(`selectHostSeries of compacted hours on ${kind}`, () => {
    let testDb: TestDatabase;
    const H = 3_600_000;
    const START = Date.parse('2026-11-20T20:00:00.000Z');
    const END = START + 3 * H;
    const queries: HostSeriesQuery[] = [
      { host: 'k', fromMs: START, toMs: END, resolution: 'raw' },
      { host: 'k', fromMs: START + 1_234, toMs: END - 5_000, resolution: 'raw', maxPoints: 97 },
      { host: 'k', fromMs: START, toMs: END + H, resolution: '1m' },
      { host: 'k', fromMs: START - H, toMs: END, resolution: '1m', maxPoints: 50 },
      { host: 'k', fromMs: START, toMs: END + H, resolution: '1h' },
      { host: 'k', fromMs: START, toMs: END + H, nowMs: END + H },
    ];
    before(async () => {
      testDb = await createTestDatabase(kind);
      await insertHost(testDb.db, 'k');
      await ensureSamplePartitions(testDb.db, START, 1);
      for (const resolution of ['1m', '1h'] as const) await ensureRollupPartitions(testDb.db, resolution, START, END + H);
      // Three hours, then a few minutes more that stay raw and are not rolled up.
      await insertSamplesOf(testDb.db, simulatedSamples('k', START, 3 * 360 + 30));
      for (const resolution of ['1m', '1h'] as const) {
        await rollUpSamples(testDb.db, { resolution, fromMs: START, toMs: END });
        await recordRollupProgress(testDb.db, resolution, END);
      }
    });
    after(async () => testDb?.close());

    void test('reads the same series before and after the hours move into chunks', async () => {
      const before_ = await Promise.all(queries.map((query) => selectHostSeries(testDb.db, query)));
      assert.ok(before_.every((series) => (series?.ts.length ?? 0) > 0));
      assert.ok((before_[0]?.interfaces.length ?? 0) > 0, 'the simulated host has interfaces');
      const compacted = await compactHistory(testDb.db, { beforeMs: END });
      assert.ok(compacted.chunks >= 6);
      assert.equal(await testDb.db.selectFrom('samples_1m').select('bucket').where('bucket', '<', new Date(END)).executeTakeFirst(), undefined);
      const after_ = await Promise.all(queries.map((query) => selectHostSeries(testDb.db, query)));
      assert.deepEqual(after_, before_);
    });
  });
}
