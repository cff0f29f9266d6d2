import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sample } from '../../../lib/collect/sample.ts';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { insertSamples } from '../../../lib/db/queries/insert-samples.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

function makeSample(host: string, ts: number, n = 0): Sample {
  return {
    host,
    ts,
    cpuBusyPct: 12.345678901234 + n,
    cpuCount: 16,
    memTotalBytes: 67_431_718_912,
    memAvailableBytes: 41_000_001_536 - n,
    memUsedPct: 39.19731234,
    swapTotalBytes: 8_589_930_496,
    swapUsedBytes: 0,
    load1: 0.42,
    load5: 1.07,
    load15: 0.99,
    uptimeSec: 123456.78,
    netRxBytesPerSec: 1234.5678,
    netTxBytesPerSec: 0.1,
    diskUsedPctMax: 87,
    filesystems: [
      { mount: '/', device: '/dev/nvme0n1p2', sizeBytes: 502_468_108_288, usedBytes: 437_147_254_784, availableBytes: 65_320_853_504, usedPct: 87 },
      { mount: '/boot/efi', device: '/dev/nvme0n1p1', sizeBytes: 535_805_952, usedBytes: 6_291_456, availableBytes: 529_514_496, usedPct: 2 },
    ],
    interfaces: [{ name: 'eth0', rxBytesPerSec: 1234.5678, txBytesPerSec: 0.1 }],
    missing: [],
  };
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`insertSamples on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await ensureSamplePartitions(testDb.db, Date.now());
    });
    after(async () => testDb?.close());

    void test('stores a sample once and reads back exactly what was written', async () => {
      const ts = Date.now() - 1234;
      const written = { ...makeSample('web-1', ts), cpuCount: null, load15: null };
      assert.equal(await insertSamples(testDb.db, [written]), 1);
      assert.equal(await insertSamples(testDb.db, [written, makeSample('web-1', ts + 10_000)]), 1);
      const rows = await testDb.db.selectFrom('samples').selectAll().where('host', '=', 'web-1').orderBy('ts').execute();
      assert.equal(rows.length, 2);
      assert.deepEqual(rows[0], {
        host: 'web-1',
        ts: new Date(ts),
        cpu_busy_pct: written.cpuBusyPct,
        cpu_count: null,
        mem_total_bytes: written.memTotalBytes,
        mem_available_bytes: written.memAvailableBytes,
        mem_used_pct: written.memUsedPct,
        swap_total_bytes: written.swapTotalBytes,
        swap_used_bytes: written.swapUsedBytes,
        load1: written.load1,
        load5: written.load5,
        load15: null,
        uptime_sec: written.uptimeSec,
        net_rx_bps: written.netRxBytesPerSec,
        net_tx_bps: written.netTxBytesPerSec,
        disk_used_pct_max: written.diskUsedPctMax,
        filesystems: written.filesystems,
        interfaces: written.interfaces,
      });
    });

    void test('an empty list inserts nothing', async () => {
      assert.equal(await insertSamples(testDb.db, []), 0);
    });

    void test('10,000 rows go in across statement chunks, and again as no-ops (rows/s reported)', async () => {
      const start = Date.now() - 3_600_000;
      const samples = Array.from({ length: 10_000 }, (_, i) => makeSample(`bulk-${i % 100}`, start + Math.floor(i / 100) * 10_000, i));
      const began = performance.now();
      const inserted = await insertSamples(testDb.db, samples);
      const seconds = (performance.now() - began) / 1000;
      // Measured, not asserted: the machine is shared.
      console.log(`# insertSamples on ${kind}: 10000 rows in ${seconds.toFixed(2)} s = ${Math.round(10_000 / seconds)} rows/s`);
      assert.equal(inserted, 10_000);
      assert.equal(await insertSamples(testDb.db, samples), 0);
      const count = await testDb.db
        .selectFrom('samples')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('host', 'like', 'bulk-%')
        .executeTakeFirstOrThrow();
      assert.equal(count.n, 10_000);
    });
  });
}
