import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HostStatus, VigilDb } from '../../../lib/db/database.ts';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import { selectFleetSummary } from '../../../lib/db/queries/select-fleet-summary.ts';
import type { StoredAlert } from '../../../lib/db/queries/stored-alert.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');

interface HostSeed {
  name: string;
  status: HostStatus;
  intervalSec?: number;
  removed?: boolean;
  /** Newest sample: its age in seconds and its figures. */
  sample?: { ageSec: number; cpu: number | null; mem: number; disk: number; rx: number; tx: number };
}

async function seedHost(db: VigilDb, host: HostSeed): Promise<void> {
  const ts = host.sample ? new Date(NOW - host.sample.ageSec * 1000) : null;
  await db
    .insertInto('hosts')
    .values({
      name: host.name,
      address: '127.0.0.1',
      connection: 'ssh',
      groups: '[]',
      interval_sec: host.intervalSec ?? 10,
      status: host.status,
      status_reason: null,
      status_message: null,
      last_sample_at: ts,
      removed_at: host.removed ? new Date(NOW - 3_600_000) : null,
    })
    .execute();
  if (!host.sample || !ts) return;
  // An older sample too: the summary must take the newest one.
  for (const [at, factor] of [[new Date(ts.getTime() - 10_000), 0], [ts, 1]] as const) {
    await db
      .insertInto('samples')
      .values({
        host: host.name, ts: at, cpu_busy_pct: host.sample.cpu === null ? null : host.sample.cpu * factor, cpu_count: 2,
        mem_total_bytes: 1, mem_available_bytes: 1, mem_used_pct: host.sample.mem * factor, swap_total_bytes: 0, swap_used_bytes: 0,
        load1: 0, load5: 0, load15: 0, uptime_sec: 1, net_rx_bps: host.sample.rx * factor, net_tx_bps: host.sample.tx * factor,
        disk_used_pct_max: host.sample.disk * factor, filesystems: '[]', interfaces: '[]',
      })
      .execute();
  }
}

function alert(key: string, over: Partial<StoredAlert>): StoredAlert {
  return {
    key, rule: 'cpu_busy', host: 'web-1', labels: {}, severity: 'warning', state: 'firing', summary: 'CPU busy', value: 90,
    threshold: 80, receivers: [], startsAt: NOW - 60_000, endsAt: null, lastEventAt: NOW - 60_000, lastNotifiedAt: null,
    notifiedFiring: false, ackedBy: null, ackedAt: null, ackedComment: null, flapping: false, stateChanges: [], heldBackBy: null, escalatedSteps: 0, ...over,
  };
}

for (const kind of ['pglite', 'postgres'] as const) {
  void describe(`selectFleetSummary on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('an empty fleet has zero counts and no averages', async () => {
      const summary = await selectFleetSummary(testDb.db, NOW);
      assert.deepEqual(summary, {
        at: new Date(NOW).toISOString(),
        hosts: { total: 0, up: 0, down: 0, unknown: 0, removed: 0 },
        alerts: { firing: 0, acknowledged: 0, pending: 0, bySeverity: { critical: 0, warning: 0, info: 0 } },
        averages: { hosts: 0, cpuBusyPct: null, memUsedPct: null, diskUsedPctMax: null, netRxBytesPerSec: null, netTxBytesPerSec: null },
        totals: { netRxBytesPerSec: null, netTxBytesPerSec: null },
      });
    });

    void test('counts hosts by status, firing alerts by severity, and averages the fresh newest samples', async () => {
      const { db } = testDb;
      await seedHost(db, { name: 'web-1', status: 'up', sample: { ageSec: 5, cpu: 20, mem: 40, disk: 50, rx: 1000, tx: 100 } });
      await seedHost(db, { name: 'web-2', status: 'up', sample: { ageSec: 30, cpu: 60, mem: 80, disk: 70, rx: 3000, tx: 300 } });
      // No CPU figure yet (first poll): it counts for the other averages but not for CPU.
      await seedHost(db, { name: 'web-3', status: 'up', sample: { ageSec: 1, cpu: null, mem: 60, disk: 60, rx: 2000, tx: 200 } });
      // Stale: ten minutes old with a 10 s interval; left out of the averages.
      await seedHost(db, { name: 'db-1', status: 'down', sample: { ageSec: 600, cpu: 100, mem: 100, disk: 100, rx: 9e9, tx: 9e9 } });
      // A slow host (10 min interval) whose 20-minute-old sample is still its newest fresh one.
      await seedHost(db, { name: 'batch-1', status: 'up', intervalSec: 600, sample: { ageSec: 1200, cpu: 40, mem: 20, disk: 20, rx: 0, tx: 0 } });
      await seedHost(db, { name: 'new-1', status: 'unknown' });
      await seedHost(db, { name: 'gone-1', status: 'up', removed: true, sample: { ageSec: 5, cpu: 99, mem: 99, disk: 99, rx: 9e9, tx: 9e9 } });
      await saveAlert(db, alert('a', { severity: 'critical' }));
      await saveAlert(db, alert('b', { severity: 'critical', ackedBy: 'alice', ackedAt: NOW }));
      await saveAlert(db, alert('c', { severity: 'warning' }));
      await saveAlert(db, alert('d', { severity: 'warning', state: 'pending' }));
      await saveAlert(db, alert('e', { severity: 'info', state: 'resolved', endsAt: NOW }));

      const summary = await selectFleetSummary(db, NOW);
      assert.deepEqual(summary.hosts, { total: 6, up: 4, down: 1, unknown: 1, removed: 1 });
      assert.deepEqual(summary.alerts, { firing: 3, acknowledged: 1, pending: 1, bySeverity: { critical: 2, warning: 1, info: 0 } });
      assert.equal(summary.averages.hosts, 4);
      assert.equal(summary.averages.cpuBusyPct, 40); // (20 + 60 + 40) / 3
      assert.equal(summary.averages.memUsedPct, 50); // (40 + 80 + 60 + 20) / 4
      assert.equal(summary.averages.diskUsedPctMax, 50);
      assert.equal(summary.averages.netRxBytesPerSec, 1500);
      assert.equal(summary.averages.netTxBytesPerSec, 150);
      assert.deepEqual(summary.totals, { netRxBytesPerSec: 6000, netTxBytesPerSec: 600 });
    });
  });
}
