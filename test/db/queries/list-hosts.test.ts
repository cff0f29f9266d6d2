import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { VigilDb } from '../../../lib/db/database.ts';
import { listHosts } from '../../../lib/db/queries/list-hosts.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');

async function insertHost(db: VigilDb, name: string, extra: { groups?: string[]; removedAt?: Date; status?: 'up' | 'down'; reason?: string } = {}): Promise<void> {
  await db
    .insertInto('hosts')
    .values({
      name,
      address: `${name}.example`,
      connection: 'ssh',
      groups: JSON.stringify(extra.groups ?? []),
      interval_sec: 10,
      status: extra.status ?? 'unknown',
      status_reason: extra.reason ?? null,
      status_message: extra.reason ? `poll failed: ${extra.reason}` : null,
      last_sample_at: null,
      removed_at: extra.removedAt ?? null,
    })
    .execute();
}

async function insertSample(db: VigilDb, host: string, tsMs: number, cpu: number | null): Promise<void> {
  await db
    .insertInto('samples')
    .values({
      host,
      ts: new Date(tsMs),
      cpu_busy_pct: cpu,
      cpu_count: 2,
      mem_total_bytes: 16 * 2 ** 30,
      mem_available_bytes: 8 * 2 ** 30,
      mem_used_pct: 50,
      swap_total_bytes: 0,
      swap_used_bytes: 0,
      load1: 0.5,
      load5: 0.4,
      load15: 0.3,
      uptime_sec: 1000 + tsMs / 1000,
      net_rx_bps: 1200.5,
      net_tx_bps: 300,
      disk_used_pct_max: 71.25,
      filesystems: '[]',
      interfaces: '[]',
    })
    .execute();
}

for (const kind of ['pglite', 'postgres'] as const) {
  void describe(`listHosts on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('is empty without hosts', async () => {
      assert.deepEqual(await listHosts(testDb.db), []);
    });

    void test('lists every host with its newest sample, and null for a host without samples', async () => {
      const { db } = testDb;
      await insertHost(db, 'web-1', { groups: ['web', 'prod'], status: 'up' });
      await insertHost(db, 'db-1', { groups: ['db'], status: 'down', reason: 'timeout' });
      await insertHost(db, 'old-1', { removedAt: new Date(T0) });
      await db.updateTable('hosts').set({ last_sample_at: new Date(T0 + 20_000) }).where('name', '=', 'web-1').execute();
      // Out of order on purpose: "newest" must come from ts, not insertion order.
      await insertSample(db, 'web-1', T0 + 20_000, 42.5);
      await insertSample(db, 'web-1', T0, 10);
      await insertSample(db, 'web-1', T0 + 10_000, 20);
      // A day apart, so that the samples land in different partitions (or the default one).
      await insertSample(db, 'old-1', T0 - 86_400_000, 5);

      const hosts = await listHosts(db);
      assert.deepEqual(hosts.map((h) => h.name), ['db-1', 'old-1', 'web-1']);

      const [dbHost, oldHost, webHost] = hosts;
      assert.deepEqual(dbHost, {
        name: 'db-1',
        address: 'db-1.example',
        groups: ['db'],
        status: 'down',
        statusReason: 'timeout',
        statusMessage: 'poll failed: timeout',
        lastSampleAt: null,
        removed: false,
        latest: null,
      });
      assert.equal(oldHost?.removed, true);
      assert.equal(oldHost?.latest?.ts, T0 - 86_400_000);
      assert.deepEqual(webHost, {
        name: 'web-1',
        address: 'web-1.example',
        groups: ['web', 'prod'],
        status: 'up',
        statusReason: null,
        statusMessage: null,
        lastSampleAt: new Date(T0 + 20_000).toISOString(),
        removed: false,
        latest: {
          ts: T0 + 20_000,
          cpuBusyPct: 42.5,
          memUsedPct: 50,
          diskUsedPctMax: 71.25,
          netRxBytesPerSec: 1200.5,
          netTxBytesPerSec: 300,
          load1: 0.5,
          uptimeSec: 1000 + (T0 + 20_000) / 1000,
          memTotalBytes: 16 * 2 ** 30,
        },
      });
    });

    void test('keeps null figures null', async () => {
      const { db } = testDb;
      await insertSample(db, 'db-1', T0, null);
      const dbHost = (await listHosts(db)).find((h) => h.name === 'db-1');
      assert.equal(dbHost?.latest?.cpuBusyPct, null);
      assert.equal(dbHost?.latest?.memUsedPct, 50);
    });
  });
}
