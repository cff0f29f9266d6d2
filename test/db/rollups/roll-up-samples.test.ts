import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeNumberColumn, encodeNumberColumn } from '../../../lib/db/chunks/number-column.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { rollUpSamples } from '../../../lib/db/rollups/roll-up-samples.ts';
import { ensureRollupPartitions, listRollupPartitions } from '../../../lib/db/rollups/rollup-partitions.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

const HOUR = Date.parse('2026-11-23T10:00:00.000Z');
const MINUTE_MS = 60_000;

interface Figures {
  cpu: number;
  tx: number | null;
}

async function insertSamples(db: VigilDb, host: string, rows: Array<[number, Figures]>): Promise<void> {
  await db
    .insertInto('samples')
    .values(
      rows.map(([ts, f]) => ({
        host,
        ts: new Date(ts),
        cpu_busy_pct: f.cpu,
        cpu_count: 2,
        mem_total_bytes: 1000,
        mem_available_bytes: 500,
        mem_used_pct: 50,
        swap_total_bytes: 0,
        swap_used_bytes: 0,
        load1: f.cpu / 100,
        load5: 0,
        load15: 0,
        uptime_sec: 100,
        net_rx_bps: 1000,
        net_tx_bps: f.tx,
        disk_used_pct_max: 30,
        filesystems: '[]',
        interfaces: '[]',
      })),
    )
    .execute();
}

async function bucketOf(db: VigilDb, table: 'samples_1m' | 'samples_1h', host: string, bucketMs: number) {
  return db.selectFrom(table).selectAll().where('host', '=', host).where('bucket', '=', new Date(bucketMs)).executeTakeFirst();
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`rollUpSamples on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await ensureRollupPartitions(testDb.db, '1m', HOUR, HOUR);
      // The hourly table gets no partition here: its rows land in the default partition.
      await insertSamples(testDb.db, 'a', [
        [HOUR + 0, { cpu: 10, tx: 1 }],
        [HOUR + 10_000, { cpu: 40, tx: null }],
        [HOUR + 20_000, { cpu: 25, tx: 3 }],
        [HOUR + 59_999, { cpu: 5, tx: 8 }],
        // The next minute, and the next hour.
        [HOUR + MINUTE_MS, { cpu: 100, tx: 0 }],
        [HOUR + 3_600_000, { cpu: 1, tx: 1 }],
      ]);
      await insertSamples(testDb.db, 'b', [[HOUR + 30_000, { cpu: 7, tx: 7 }]]);
    });
    after(async () => testDb?.close());

    void test('a minute holds min, max, average and count of its samples, per host', async () => {
      const written = await rollUpSamples(testDb.db, { resolution: '1m', fromMs: HOUR, toMs: HOUR + 2 * MINUTE_MS });
      assert.equal(written, 3);
      const a = await bucketOf(testDb.db, 'samples_1m', 'a', HOUR);
      assert.equal(a?.sample_count, 4);
      assert.deepEqual([a?.cpu_busy_pct_min, a?.cpu_busy_pct_max, a?.cpu_busy_pct_avg], [5, 40, 20]);
      assert.deepEqual([a?.load1_min, a?.load1_max], [0.05, 0.4]);
      // Null figures are left out: the average of 1, 3 and 8.
      assert.deepEqual([a?.net_tx_bps_min, a?.net_tx_bps_max, a?.net_tx_bps_avg], [1, 8, 4]);
      assert.deepEqual([a?.mem_used_pct_avg, a?.disk_used_pct_max_max, a?.net_rx_bps_avg], [50, 30, 1000]);
      assert.equal(a?.disk_read_bps_avg, null);
      const next = await bucketOf(testDb.db, 'samples_1m', 'a', HOUR + MINUTE_MS);
      assert.deepEqual([next?.sample_count, next?.cpu_busy_pct_avg], [1, 100]);
      const b = await bucketOf(testDb.db, 'samples_1m', 'b', HOUR);
      assert.deepEqual([b?.sample_count, b?.cpu_busy_pct_min, b?.cpu_busy_pct_max], [1, 7, 7]);
      // Sample at the range's end (HOUR + 1 h) is not in it.
      assert.equal(await bucketOf(testDb.db, 'samples_1m', 'a', HOUR + 3_600_000), undefined);
      // Routed to the month's partition.
      const partitions = await listRollupPartitions(testDb.db, '1m');
      assert.deepEqual(partitions.map((p) => p.name), ['samples_1m_p202611']);
    });

    void test('an hour is computed from the raw samples; bounds are rounded out to whole buckets', async () => {
      const written = await rollUpSamples(testDb.db, { resolution: '1h', fromMs: HOUR + 5 * MINUTE_MS, toMs: HOUR + 10 * MINUTE_MS });
      assert.equal(written, 2);
      const a = await bucketOf(testDb.db, 'samples_1h', 'a', HOUR);
      assert.equal(a?.sample_count, 5);
      assert.deepEqual([a?.cpu_busy_pct_min, a?.cpu_busy_pct_max, a?.cpu_busy_pct_avg], [5, 100, 36]);
      assert.deepEqual([a?.net_tx_bps_min, a?.net_tx_bps_max, a?.net_tx_bps_avg], [0, 8, 3]);
      assert.equal(await bucketOf(testDb.db, 'samples_1h', 'a', HOUR + 3_600_000), undefined);
    });

    void test('a rerun writes nothing and changes nothing', async () => {
      const before1m = await testDb.db.selectFrom('samples_1m').selectAll().orderBy('host').orderBy('bucket').execute();
      assert.equal(await rollUpSamples(testDb.db, { resolution: '1m', fromMs: HOUR, toMs: HOUR + 2 * MINUTE_MS }), 0);
      assert.equal(await rollUpSamples(testDb.db, { resolution: '1h', fromMs: HOUR, toMs: HOUR + 3_600_000 }), 0);
      assert.deepEqual(await testDb.db.selectFrom('samples_1m').selectAll().orderBy('host').orderBy('bucket').execute(), before1m);
    });

    void test('a late sample updates its bucket on the next run', async () => {
      await insertSamples(testDb.db, 'a', [[HOUR + 30_000, { cpu: 120, tx: 20 }]]);
      assert.equal(await rollUpSamples(testDb.db, { resolution: '1m', fromMs: HOUR, toMs: HOUR + 2 * MINUTE_MS }), 1);
      const a = await bucketOf(testDb.db, 'samples_1m', 'a', HOUR);
      assert.equal(a?.sample_count, 5);
      assert.deepEqual([a?.cpu_busy_pct_min, a?.cpu_busy_pct_max, a?.cpu_busy_pct_avg], [5, 120, 40]);
      assert.deepEqual([a?.net_tx_bps_max, a?.net_tx_bps_avg], [20, 8]);
      assert.equal(await rollUpSamples(testDb.db, { resolution: '1h', fromMs: HOUR, toMs: HOUR + 3_600_000 }), 1);
      assert.equal((await bucketOf(testDb.db, 'samples_1h', 'a', HOUR))?.sample_count, 6);
    });

    void test('buckets whose raw samples are gone stay as they were', async () => {
      await testDb.db.deleteFrom('samples').where('host', '=', 'b').execute();
      assert.equal(await rollUpSamples(testDb.db, { resolution: '1m', fromMs: HOUR, toMs: HOUR + 2 * MINUTE_MS }), 0);
      assert.equal((await bucketOf(testDb.db, 'samples_1m', 'b', HOUR))?.sample_count, 1);
    });

    void test('creating a month partition moves that month out of the default partition', async () => {
      assert.equal(Number((await testDb.db.selectFrom('samples_1h').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 2);
      assert.deepEqual(await ensureRollupPartitions(testDb.db, '1h', HOUR, HOUR + 20 * 86_400_000), ['samples_1h_p202611', 'samples_1h_p202612']);
      assert.deepEqual(await ensureRollupPartitions(testDb.db, '1h', HOUR, HOUR), []);
      const where = await testDb.db
        .selectFrom('samples_1h_p202611' as 'samples_1h')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(where.n), 2);
      assert.equal((await bucketOf(testDb.db, 'samples_1h', 'a', HOUR))?.sample_count, 6);
    });
  });
}

/** Two samples of host d in the minute after HOUR, with CPU modes, swap and every kind of device. */
async function insertDetailedSamples(db: VigilDb): Promise<void> {
  const sample = (offsetMs: number, k: number) => ({
    host: 'd',
    ts: new Date(HOUR + offsetMs),
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
    net_rx_bps: 1000,
    net_tx_bps: 10,
    disk_used_pct_max: 30,
    context_switches_per_sec: 1000 * k,
    interrupts_per_sec: 500 * k,
    forks_per_sec: 0.5 * k,
    processes_blocked: k - 1,
    cpu_modes: JSON.stringify({ user: 5 * k, nice: 1, system: 2 * k, idle: 80, iowait: k, irq: 0, softirq: 0.5, steal: 0, guest: 0 }),
    filesystems: JSON.stringify([
      { mount: '/', device: '/dev/sda1', sizeBytes: 100, usedBytes: 10 * k, availableBytes: 100 - 10 * k, usedPct: 10 * k },
      { mount: '/data "x"', device: '/dev/sdb1', sizeBytes: 100, usedBytes: 50, availableBytes: 50, usedPct: 50 },
    ]),
    interfaces: JSON.stringify([
      { name: 'lo', rxBytesPerSec: 999, txBytesPerSec: 999, loopback: true },
      { name: 'eth0', rxBytesPerSec: 100 * k, txBytesPerSec: 10 * k },
    ]),
    // No write completed in the first sample: its write latency is null, and the average is the other's.
    disks: JSON.stringify([{ name: 'sda', readBytesPerSec: 1000 * k, writeBytesPerSec: 2000 * k, readIops: 1, writeIops: 2, busyPct: 5 * k, readLatencyMs: 0.5 * k, writeLatencyMs: k === 1 ? null : 4 }]),
    gpus: JSON.stringify([
      {
        index: 0, uuid: 'GPU-1', name: 'H100', utilizationPct: 20 * k, memoryUtilizationPct: 1,
        memoryUsedBytes: 250 * k, memoryTotalBytes: 1000, temperatureC: 40 + k, powerDrawW: null, powerLimitW: null,
      },
    ]),
  });
  await db.insertInto('samples').values([sample(1000, 1), sample(31_000, 3)]).execute();
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`rollUpSamples of chart detail on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await insertDetailedSamples(testDb.db);
    });
    after(async () => testDb?.close());

    for (const resolution of ['1m', '1h'] as const) {
      void test(`a ${resolution} bucket keeps the averages of CPU modes, swap, load, kernel activity and of each device but loopback`, async () => {
        assert.equal(await rollUpSamples(testDb.db, { resolution, fromMs: HOUR, toMs: HOUR + MINUTE_MS }), 1);
        const row = await bucketOf(testDb.db, resolution === '1m' ? 'samples_1m' : 'samples_1h', 'd', HOUR);
        assert.deepEqual(
          [row?.cpu_user_pct_avg, row?.cpu_nice_pct_avg, row?.cpu_system_pct_avg, row?.cpu_iowait_pct_avg, row?.cpu_softirq_pct_avg, row?.cpu_steal_pct_avg],
          [10, 1, 4, 2, 0.5, 0],
        );
        assert.deepEqual([row?.swap_used_pct_avg, row?.load5_avg, row?.load15_avg, row?.load_per_core_avg], [20, 4, 6, 0.5]);
        assert.deepEqual(
          [row?.context_switches_per_sec_avg, row?.interrupts_per_sec_avg, row?.forks_per_sec_avg, row?.processes_blocked_avg],
          [2000, 1000, 1, 1],
        );
        assert.deepEqual(row?.devices, [
          // Each kind's tuple holds its own figures only (device-figures.ts): a disk's five, a filesystem's one.
          ['disk', 'sda', 2000, 4000, 10, 1, 4],
          ['fs', '/', 20],
          ['fs', '/data "x"', 50],
          ['gpu', '0', 40, 50, 42],
          ['net', 'eth0', 200, 20],
        ]);
      });
    }
  });
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`rollUpSamples of an hour's devices on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      // Three samples in the first minute at 10 B/s, one in the second at 50 B/s.
      await testDb.db
        .insertInto('samples')
        .values(
          [
            [HOUR, 10],
            [HOUR + 10_000, 10],
            [HOUR + 20_000, 10],
            [HOUR + MINUTE_MS, 50],
          ].map(([ts, rx]) => ({
            host: 'w', ts: new Date(ts ?? 0), cpu_busy_pct: 1, cpu_count: 1, mem_total_bytes: 1, mem_available_bytes: 1, mem_used_pct: 1,
            swap_total_bytes: 0, swap_used_bytes: 0, load1: 0, load5: 0, load15: 0, uptime_sec: 1, net_rx_bps: rx ?? 0, net_tx_bps: 0, disk_used_pct_max: 1,
            filesystems: '[]', interfaces: JSON.stringify([{ name: 'eth0', rxBytesPerSec: rx, txBytesPerSec: 0 }]),
          })),
        )
        .execute();
    });
    after(async () => testDb?.close());

    void test('come from its minutes, each weighing its sample count; without them the hour has none', async () => {
      assert.equal(await rollUpSamples(testDb.db, { resolution: '1h', fromMs: HOUR, toMs: HOUR + 3_600_000 }), 1);
      assert.equal((await bucketOf(testDb.db, 'samples_1h', 'w', HOUR))?.devices, null);
      await testDb.db.deleteFrom('samples_1h').execute();
      await rollUpSamples(testDb.db, { resolution: '1m', fromMs: HOUR, toMs: HOUR + 2 * MINUTE_MS });
      assert.equal(await rollUpSamples(testDb.db, { resolution: '1h', fromMs: HOUR, toMs: HOUR + 3_600_000 }), 1);
      const hour = await bucketOf(testDb.db, 'samples_1h', 'w', HOUR);
      assert.equal(hour?.sample_count, 4);
      assert.equal(hour?.net_rx_bps_avg, 20);
      assert.deepEqual(hour?.devices, [['net', 'eth0', 20, 0]]);
    });
  });
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`rollUpSamples rounding on ${kind}`, () => {
    let testDb: TestDatabase;
    // An hour of host r at 10 s with full-double figures, as an older writer stored them.
    const figures = Array.from({ length: 360 }, (_, i) => ({
      cpu: (100 * ((i * 7919) % 1000)) / 1003,
      load: ((i * 31) % 97) / 7,
      rx: 1e6 / (3 + (i % 11)),
      user: 100 / (3 + (i % 5)),
    }));
    before(async () => {
      testDb = await createTestDatabase(kind);
      await ensureRollupPartitions(testDb.db, '1m', HOUR, HOUR);
      await testDb.db
        .insertInto('samples')
        .values(
          figures.map((f, i) => ({
            host: 'r', ts: new Date(HOUR + i * 10_000), cpu_busy_pct: f.cpu, cpu_count: 3, mem_total_bytes: 3000, mem_available_bytes: 1000,
            mem_used_pct: 200 / 3, swap_total_bytes: 3, swap_used_bytes: 1, load1: f.load, load5: f.load, load15: f.load, load_per_core: f.load / 3,
            uptime_sec: 100 + i * 10, net_rx_bps: f.rx, net_tx_bps: f.rx / 3, disk_used_pct_max: 100 / 7, filesystems: '[]', interfaces: '[]',
            cpu_modes: JSON.stringify({ user: f.user, nice: 0, system: 0, idle: 100 - f.user, iowait: 0, irq: 0, softirq: 0, steal: 0, guest: 0 }),
          })),
        )
        .execute();
      for (const resolution of ['1m', '1h'] as const) await rollUpSamples(testDb.db, { resolution, fromMs: HOUR, toMs: HOUR + 3_600_000 });
    });
    after(async () => testDb?.close());

    const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;
    const hundredths = (value: number): number => Math.round(value * 100) / 100;

    for (const resolution of ['1m', '1h'] as const) {
      void test(`${resolution}: averages are kept to 0.01, min, max and count exactly`, async () => {
        const rows = await testDb.db.selectFrom(resolution === '1m' ? 'samples_1m' : 'samples_1h').selectAll().where('host', '=', 'r').orderBy('bucket').execute();
        assert.equal(rows.length, resolution === '1m' ? 60 : 1);
        const perBucket = 360 / rows.length;
        rows.forEach((row, b) => {
          const own = figures.slice(b * perBucket, (b + 1) * perBucket);
          assert.equal(row.sample_count, perBucket);
          assert.equal(row.cpu_busy_pct_min, Math.min(...own.map((f) => f.cpu)));
          assert.equal(row.cpu_busy_pct_max, Math.max(...own.map((f) => f.cpu)));
          assert.equal(row.net_rx_bps_min, Math.min(...own.map((f) => f.rx)));
          assert.equal(row.mem_used_pct_min, 200 / 3);
          // PostgreSQL sums in its own order: the exact average can differ from JS's in its last bits,
          // never by the 0.005 that would move it to another hundredth except at a tie.
          const close = (stored: number | null, values: number[]): void => {
            assert.ok(stored !== null && Object.is(hundredths(stored), stored), `${String(stored)} is to 0.01`);
            assert.ok(Math.abs(stored - mean(values)) <= 0.005 + 1e-9, `${stored} for ${mean(values)}`);
          };
          close(row.cpu_busy_pct_avg, own.map((f) => f.cpu));
          close(row.load1_avg, own.map((f) => f.load));
          close(row.net_rx_bps_avg, own.map((f) => f.rx));
          close(row.net_tx_bps_avg, own.map((f) => f.rx / 3));
          close(row.mem_used_pct_avg, own.map(() => 200 / 3));
          close(row.disk_used_pct_max_avg, own.map(() => 100 / 7));
          close(row.cpu_user_pct_avg, own.map((f) => f.user));
          close(row.swap_used_pct_avg, own.map(() => 100 / 3));
          close(row.load_per_core_avg, own.map((f) => f.load / 3));
        });
      });
    }

    void test('a column of rounded averages takes the bytes of scaled integers in a chunk, not of doubles', async () => {
      const rows = await testDb.db.selectFrom('samples_1m').select(['cpu_busy_pct_avg', 'cpu_busy_pct_max']).where('host', '=', 'r').orderBy('bucket').execute();
      const averages = rows.map((row) => row.cpu_busy_pct_avg);
      const encoded = encodeNumberColumn(averages);
      // 0.00 to 100.00 as hundredths: two bytes a value above the header and base.
      assert.ok(encoded.length <= 4 + 8 + 2 * averages.length, `${encoded.length} bytes for ${averages.length} averages`);
      assert.deepEqual(decodeNumberColumn(encoded, averages.length), averages);
      // The maxima are the samples' full doubles: eight bytes each, XORed.
      assert.equal(encodeNumberColumn(rows.map((row) => row.cpu_busy_pct_max)).length, 4 + 8 * rows.length);
    });
  });
}
