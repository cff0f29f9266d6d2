import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Sample } from '../../../lib/collect/sample.ts';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { insertSamples, insertSamplesReturningKeys } from '../../../lib/db/queries/insert-samples.ts';
import { simulatedSamples } from '../../../lib/simulator/simulated-samples.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

/** A sample as the first release's workers sent it: no field added since. */
function makeFirstReleaseSample(host: string, ts: number, n = 0): Sample {
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

function makeSample(host: string, ts: number, n = 0): Sample {
  const top = (pid: number) => ({ pid, user: null, command: `/usr/bin/worker --id ${pid}`, cpuPct: 12.3456, rssBytes: 104_857_600 + pid });
  return {
    ...makeFirstReleaseSample(host, ts, n),
    cpuModes: { user: 8.123456, nice: 0, system: 3.2, idle: 87.6, iowait: 0.5, irq: 0, softirq: 0.2, steal: 0.4, guest: 0 },
    perCoreBusyPct: Array.from({ length: 16 }, (_, i) => (i * 6.25) / 3),
    memBuffersBytes: 123_456_512,
    memCachedBytes: 9_876_543_488,
    loadPerCore: 0.42 / 16,
    bootTime: ts - 123_456_000,
    rebooted: false,
    diskReadBytesPerSec: 4096.5,
    diskWriteBytesPerSec: 1_048_576.25,
    filesystems: makeFirstReleaseSample(host, ts).filesystems.map((fs) => ({ ...fs, fsType: 'ext4', inodesUsedPct: 3.3333333 })),
    interfaces: [{
      name: 'eth0', rxBytesPerSec: 1234.5678, txBytesPerSec: 0.1, rxPacketsPerSec: 10.5, txPacketsPerSec: 2,
      rxErrors: 0, txErrors: 0, rxDrops: 1, txDrops: 0, loopback: false, virtual: false,
    }],
    disks: [{ name: 'nvme0n1', readBytesPerSec: 4096.5, writeBytesPerSec: 1_048_576.25, readIops: 1, writeIops: 256.0625, busyPct: 1.5 }],
    processes: {
      running: 2,
      total: 312,
      topCpu: Array.from({ length: 10 }, (_, i) => top(1000 + i)),
      topMemory: Array.from({ length: 10 }, (_, i) => top(2000 + i)),
      matches: [{ pattern: 'nginx', count: 0 }, { pattern: 'postgres', count: 7 }],
    },
    pressure: {
      cpu: { some: { avg10: 0.26, avg60: 0.42, avg300: 0.12 }, full: null },
      io: { some: { avg10: 1.94, avg60: 0.82, avg300: 0.19 }, full: { avg10: 1.94, avg60: 0.82, avg300: 0.19 } },
      memory: null,
    },
    failedUnits: [],
    gpus: null,
    facts: null,
  };
}

/** What the json columns hold: numbers to two decimals. */
function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 100) / 100 : v))) as T;
}

function roundedCopy(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Math.round(value * 100) / 100;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(roundedCopy);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, roundedCopy(item)]));
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
      const written = { ...makeSample('web-1', ts), cpuCount: null, load15: null, contextSwitchesPerSec: 1234.56, interruptsPerSec: 789.5, forksPerSec: 2.25, processesBlocked: 3, clockOffsetSec: -7 };
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
        filesystems: rounded(written.filesystems),
        interfaces: rounded(written.interfaces),
        mem_buffers_bytes: written.memBuffersBytes,
        mem_cached_bytes: written.memCachedBytes,
        load_per_core: written.loadPerCore,
        rebooted: false,
        disk_read_bps: written.diskReadBytesPerSec,
        disk_write_bps: written.diskWriteBytesPerSec,
        processes_total: 312,
        processes_running: 2,
        cpu_modes: rounded(written.cpuModes),
        per_core_busy_pct: rounded(written.perCoreBusyPct),
        disks: rounded(written.disks),
        processes: rounded(written.processes),
        pressure: written.pressure,
        failed_units: [],
        gpus: null,
        missing: null,
        checks: null,
        device: null,
        context_switches_per_sec: 1234.56,
        interrupts_per_sec: 789.5,
        forks_per_sec: 2.25,
        processes_blocked: 3,
        clock_offset_sec: -7,
      });
    });

    void test('a first-release sample (a worker not yet upgraded) stores NULL in every newer column', async () => {
      const ts = Date.now() - 99_000;
      assert.equal(await insertSamples(testDb.db, [{ ...makeFirstReleaseSample('old-worker', ts), missing: ['df'] }]), 1);
      const row = await testDb.db.selectFrom('samples').selectAll().where('host', '=', 'old-worker').executeTakeFirstOrThrow();
      assert.equal(row.cpu_busy_pct, 12.345678901234);
      assert.equal(row.rebooted, false);
      assert.deepEqual(
        [row.cpu_modes, row.per_core_busy_pct, row.disks, row.processes, row.pressure, row.failed_units, row.gpus, row.processes_total],
        [null, null, null, null, null, null, null, null],
      );
      assert.deepEqual(row.missing, ['df']);
    });

    void test('host names and json text with quotes, backslashes, braces, commas and newlines go in and out unchanged', async () => {
      const ts = Date.now() - 555_000;
      const hosts = ['q"uote', 'back\\slash\\', '{brace},comma', 'new\nline\ttab', 'NULL', 'N', ' spaced ', 'ünïcode-ホスト'];
      const samples = hosts.map((host, i) => ({
        ...makeSample(host, ts + i),
        // A command line is whatever the host says it is.
        failedUnits: ['N', '', 'a\nb', 'c\\d', '"e"', '{f,g}'],
        processes: { running: 1, total: 1, topCpu: [{ pid: 1, user: 'r"o\\ot', command: 'sh -c "echo \\n\n{x}"', cpuPct: 1, rssBytes: 1 }], topMemory: [], matches: [] },
      }));
      assert.equal(await insertSamples(testDb.db, samples), hosts.length);
      const rows = await testDb.db.selectFrom('samples').select(['host', 'ts', 'failed_units', 'processes']).where('host', 'in', hosts).execute();
      assert.deepEqual(
        rows.map((row) => [row.host, row.ts.getTime(), row.failed_units, row.processes]).sort((a, b) => (a[1] as number) - (b[1] as number)),
        samples.map((sample) => [sample.host, sample.ts, sample.failedUnits, sample.processes]),
      );
    });

    void test('null and non-null json columns mix in any position of a batch, a batch of one included', async () => {
      const ts = Date.now() - 777_000;
      const full = (i: number): Sample => makeSample('mix', ts + i * 1000, i);
      const bare = (i: number): Sample => makeFirstReleaseSample('mix', ts + i * 1000, i);
      assert.equal(await insertSamples(testDb.db, [bare(0)]), 1);
      assert.equal(await insertSamples(testDb.db, [full(1)]), 1);
      assert.equal(await insertSamples(testDb.db, [bare(2), full(3), bare(4), bare(5), full(6)]), 5);
      const rows = await testDb.db.selectFrom('samples').select(['ts', 'gpus', 'disks', 'cpu_modes', 'missing']).where('host', '=', 'mix').orderBy('ts').execute();
      assert.deepEqual(
        rows.map((row) => [row.disks === null, row.cpu_modes === null, row.gpus, row.missing]),
        [true, false, true, false, true, true, false].map((isBare) => [isBare, isBare, null, null]),
      );
      assert.deepEqual(rows[1]?.disks, rounded(full(1).disks));
    });

    void test('json columns hold, byte for byte, the rounded JSON text of realistic samples', async () => {
      const from = Date.now() - 3_600_000;
      const samples = simulatedSamples('bytes-sim', from, 60);
      // Edge values in one sample: -0, NaN and ±Infinity (null in JSON), huge numbers, text needing escapes.
      const edge = samples[0] as Sample;
      edge.perCoreBusyPct = [-0, -0.001, NaN, Infinity, -Infinity, 1e21, 2 ** 53 + 2, 1e300 / 3, 12.345, -12.345, 0.005, 1.005];
      edge.failedUnits = ['q"u\\o\nte', '\u0001ctl', 'ünï\u{1F600}', 'lone \ud800 surrogate'];
      assert.equal(await insertSamples(testDb.db, samples), samples.length);
      const rows = await sql<Record<string, string | null>>`
        SELECT filesystems::text AS filesystems, interfaces::text AS interfaces, cpu_modes::text AS cpu_modes,
          per_core_busy_pct::text AS per_core_busy_pct, disks::text AS disks, processes::text AS processes,
          pressure::text AS pressure, failed_units::text AS failed_units, gpus::text AS gpus, missing::text AS missing
        FROM samples WHERE host = 'bytes-sim' ORDER BY ts`.execute(testDb.db);
      // The rounding the writer has always done, written out here independently of its code.
      const text = (value: unknown): string | null =>
        value === undefined || value === null ? null : JSON.stringify(roundedCopy(value));
      assert.deepEqual(
        rows.rows,
        samples.map((sample) => ({
          filesystems: text(sample.filesystems),
          interfaces: text(sample.interfaces),
          cpu_modes: text(sample.cpuModes),
          per_core_busy_pct: text(sample.perCoreBusyPct),
          disks: text(sample.disks),
          processes: text(sample.processes),
          pressure: text(sample.pressure),
          failed_units: text(sample.failedUnits),
          gpus: text(sample.gpus),
          missing: sample.missing.length > 0 ? text(sample.missing) : null,
        })),
      );
      // Pinned as stored today: -0 is 0, halves round towards +∞ (Math.round: -12.345 is -12.34), a
      // double that large is an integer (unrounded), 1.005 is 1.00499… in binary.
      assert.equal(rows.rows[0]?.per_core_busy_pct, '[0,0,null,null,null,1e+21,9007199254740994,3.3333333333333335e+299,12.35,-12.34,0.01,1]');
    });

    void test('a redelivered sample inside one batch, and one already stored, are each skipped', async () => {
      const ts = Date.now() - 888_000;
      const first = makeSample('dup', ts, 1);
      assert.equal(await insertSamples(testDb.db, [first]), 1);
      const keys = await insertSamplesReturningKeys(testDb.db, [makeSample('dup', ts + 1000, 2), first, makeSample('dup', ts + 1000, 3)]);
      assert.deepEqual(keys, [{ host: 'dup', ts: ts + 1000 }]);
      const rows = await testDb.db.selectFrom('samples').select(['ts', 'cpu_busy_pct']).where('host', '=', 'dup').orderBy('ts').execute();
      // The first of two copies wins; the stored one is not overwritten.
      assert.deepEqual(rows.map((row) => [row.ts.getTime(), row.cpu_busy_pct]), [[ts, first.cpuBusyPct], [ts + 1000, makeSample('dup', 0, 2).cpuBusyPct]]);
    });

    void test('an empty list inserts nothing', async () => {
      assert.equal(await insertSamples(testDb.db, []), 0);
    });

    void test('10,000 rows go in across statements, and again as no-ops (rows/s reported)', async () => {
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

    if (kind === 'postgres') {
      void test('bytes per stored row, first-release sample against a full one (measured, not asserted)', async () => {
        const ts = Date.now() - 7_200_000;
        await insertSamples(testDb.db, Array.from({ length: 100 }, (_, i) => makeFirstReleaseSample('size-old', ts + i * 10_000, i)));
        await insertSamples(testDb.db, Array.from({ length: 100 }, (_, i) => makeSample('size-new', ts + i * 10_000, i)));
        const sizes = await sql<{ host: string; bytes: number }>`
          SELECT host, avg(pg_column_size(s.*))::float8 AS bytes FROM samples s WHERE host IN ('size-old', 'size-new') GROUP BY host`.execute(testDb.db);
        const bytes = new Map(sizes.rows.map((r) => [r.host, Math.round(r.bytes)]));
        console.log(`# bytes per sample row (pg_column_size): first release ${bytes.get('size-old')}, full ${bytes.get('size-new')}`);
        assert.ok((bytes.get('size-new') ?? 0) > (bytes.get('size-old') ?? Infinity));
      });
    }
  });
}
