import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Sample } from '../../../lib/collect/sample.ts';
import type { HostStatus, VigilDb } from '../../../lib/db/database.ts';
import { insertSamples } from '../../../lib/db/queries/insert-samples.ts';
import { selectHostMetrics } from '../../../lib/db/queries/select-host-metrics.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { testSample } from '../../support/test-samples.ts';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');

async function insertHost(
  db: VigilDb, name: string, extra: { groups?: string[]; intervalSec?: number; status?: HostStatus; removed?: boolean; parent?: string } = {},
): Promise<void> {
  await db
    .insertInto('hosts')
    .values({
      name, address: `${name}.example`, connection: 'ssh', groups: JSON.stringify(extra.groups ?? []), interval_sec: extra.intervalSec ?? 10,
      status: extra.status ?? 'up', removed_at: extra.removed === true ? new Date(NOW - 1000) : null, parent: extra.parent ?? null,
      hostname: `${name}.internal`, kernel: '6.1.0-18-amd64', os_name: 'Debian GNU/Linux', os_version: '12', architecture: 'x86_64',
      cpu_model: 'AMD EPYC', boot_time: new Date(NOW - 86_400_000),
    })
    .execute();
}

/** A sample with every kind of device, so that each json column is read back. */
function deviceSample(host: string, ts: number): Sample {
  return testSample(host, ts, {
    cpuBusyPct: 75.78, cpuModes: { user: 54.54, nice: 1.52, system: 13.62, idle: 23.47, iowait: 0.75, irq: 0.77, softirq: 3.05, steal: 2.27, guest: 0 },
    perCoreBusyPct: [78.44, 53.51], memTotalBytes: 8_459_479_040, memBuffersBytes: 203_070_464, memCachedBytes: 3_046_057_984,
    processesBlocked: 1, contextSwitchesPerSec: 21072.8, interruptsPerSec: 9480.3, forksPerSec: 3.2, clockOffsetSec: 95,
    filesystems: [{ mount: '/', device: '/dev/vda1', fsType: 'ext4', sizeBytes: 100, usedBytes: 60, availableBytes: 40, usedPct: 60, inodesUsedPct: 12.5 }],
    interfaces: [{ name: 'eth0', rxBytesPerSec: 7929067.8, txBytesPerSec: 3672632.8, rxPacketsPerSec: 9911.3, txPacketsPerSec: 6121, rxErrors: 2, txErrors: 0, rxDrops: 1, txDrops: 0 }],
    disks: [{ name: 'vda', readBytesPerSec: 12712396.8, writeBytesPerSec: 2525849.6, readIops: 387.9, writeIops: 205.6, busyPct: 23.81, readLatencyMs: 0.4, writeLatencyMs: null }],
    gpus: [{ index: 0, uuid: 'GPU-1', name: 'NVIDIA A100', utilizationPct: 97, memoryUtilizationPct: 40, memoryUsedBytes: 1000, memoryTotalBytes: 4000, temperatureC: 71, powerDrawW: 250.5, powerLimitW: 400 }],
    pressure: { cpu: { some: { avg10: 3.64, avg60: 2, avg300: 1 }, full: null }, io: null, memory: null },
    checks: [{ id: 'https', kind: 'http', ok: true, latencyMs: 12.5, statusCode: 200, certDaysLeft: 40 }],
  });
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`selectHostMetrics (${kind})`, () => {
    let testDb: TestDatabase;

    before(async () => {
      testDb = await createTestDatabase(kind);
      const { db } = testDb;
      await insertHost(db, 'web-1', { groups: ['web', 'prod'] });
      await insertHost(db, 'db-1', { groups: ['dbservers', 'prod'], status: 'down' });
      await insertHost(db, 'slow-1', { groups: ['batch'], intervalSec: 60 });
      await insertHost(db, 'new-1', { status: 'unknown' });
      await insertHost(db, 'gone-1', { groups: ['web'], removed: true });
      await insertHost(db, 'vc/vm-1', { groups: ['web'], parent: 'vc' });
      await insertSamples(db, [
        testSample('web-1', NOW - 25_000, { cpuBusyPct: 10 }),
        deviceSample('web-1', NOW - 5_000),
        // db-1's newest is 61 s old: stale at a 10 s interval (the floor is 60 s).
        testSample('db-1', NOW - 61_000),
        // slow-1's is 170 s old: not stale at a 60 s interval (180 s).
        testSample('slow-1', NOW - 170_000, { load1: 4.5 }),
        testSample('gone-1', NOW - 5_000),
        testSample('vc/vm-1', NOW - 5_000),
      ]);
    });

    after(async () => {
      await testDb?.close();
    });

    void test('every host still in the inventory, by name, with its newest sample that is not stale', async () => {
      const rows = await selectHostMetrics(testDb.db, { now: NOW });
      assert.deepEqual(rows.map((r) => r.name), ['db-1', 'new-1', 'slow-1', 'vc/vm-1', 'web-1']);
      const byName = new Map(rows.map((r) => [r.name, r]));
      assert.equal(byName.get('db-1')?.latest, null);
      assert.equal(byName.get('db-1')?.status, 'down');
      assert.equal(byName.get('new-1')?.latest, null);
      assert.equal(byName.get('slow-1')?.latest?.load1, 4.5);
      assert.equal(byName.get('slow-1')?.intervalSec, 60);
      assert.equal(byName.get('vc/vm-1')?.parent, 'vc');
    });

    void test('the newest sample is read whole: figures, devices and the host\'s facts', async () => {
      const rows = await selectHostMetrics(testDb.db, { now: NOW });
      const web = rows.find((r) => r.name === 'web-1');
      assert.ok(web?.latest);
      const sample = deviceSample('web-1', NOW - 5_000);
      assert.equal(web.latest.ts, NOW - 5_000);
      assert.equal(web.latest.cpuBusyPct, 75.78);
      assert.deepEqual(web.latest.cpuModes, sample.cpuModes);
      assert.deepEqual(web.latest.perCoreBusyPct, [78.44, 53.51]);
      assert.equal(web.latest.memTotalBytes, 8_459_479_040);
      assert.equal(web.latest.memBuffersBytes, 203_070_464);
      assert.equal(web.latest.processesBlocked, 1);
      assert.equal(web.latest.clockOffsetSec, 95);
      assert.equal(web.latest.contextSwitchesPerSec, 21072.8);
      assert.deepEqual(web.latest.filesystems, sample.filesystems);
      assert.deepEqual(web.latest.interfaces, sample.interfaces);
      assert.deepEqual(web.latest.disks, sample.disks);
      assert.deepEqual(web.latest.gpus, sample.gpus);
      assert.deepEqual(web.latest.pressure, sample.pressure);
      assert.deepEqual(web.latest.checks, sample.checks);
      assert.deepEqual(web.groups, ['web', 'prod']);
      assert.equal(web.kernel, '6.1.0-18-amd64');
      assert.equal(web.bootTime, NOW - 86_400_000);
    });

    void test('with groups, only the hosts in at least one of them', async () => {
      const names = async (groups: string[]) => (await selectHostMetrics(testDb.db, { groups, now: NOW })).map((r) => r.name);
      assert.deepEqual(await names(['web']), ['vc/vm-1', 'web-1']);
      assert.deepEqual(await names(['dbservers', 'batch']), ['db-1', 'slow-1']);
      assert.deepEqual(await names(['prod']), ['db-1', 'web-1']);
      assert.deepEqual(await names(['nosuchgroup']), []);
      // A quote in a group name is data, not SQL.
      assert.deepEqual(await names(["web' or true --"]), []);
    });
  });
}
