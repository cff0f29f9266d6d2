import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import type { FleetSparklines } from '../../../lib/db/queries/select-fleet-sparklines.ts';
import type { FleetSummary } from '../../../lib/db/queries/select-fleet-summary.ts';
import { recordRollupProgress } from '../../../lib/db/rollups/rollup-progress.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';

const NOW = Date.parse('2025-03-01T12:00:30.000Z');
const MINUTE = 60_000;

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

void describe('fleet routes', () => {
  const web = useTestWebServer({ now: () => NOW });

  before(async () => {
    const { db } = web.testDb;
    for (const [name, status] of [['web-1', 'up'], ['web-2', 'down'], ['new-1', 'unknown']] as const) {
      await db
        .insertInto('hosts')
        .values({ name, address: '127.0.0.1', connection: 'ssh', groups: '["web"]', interval_sec: 10, status, last_sample_at: name === 'web-1' ? new Date(NOW - 5000) : null })
        .execute();
    }
    await db
      .insertInto('samples')
      .values({
        host: 'web-1', ts: new Date(NOW - 5000), cpu_busy_pct: 35, cpu_count: 2, mem_total_bytes: 1, mem_available_bytes: 1, mem_used_pct: 60,
        swap_total_bytes: 0, swap_used_bytes: 0, load1: 0, load5: 0, load15: 0, uptime_sec: 1, net_rx_bps: 100, net_tx_bps: 50,
        disk_used_pct_max: 70, filesystems: '[]', interfaces: '[]',
      })
      .execute();
    await recordRollupProgress(db, '1m', NOW - (NOW % MINUTE));
    for (let minute = 1; minute <= 59; minute++) {
      await db.insertInto('samples_1m').values({ host: 'web-1', bucket: new Date(NOW - (NOW % MINUTE) - minute * MINUTE), sample_count: 6, cpu_busy_pct_avg: 20 }).execute();
    }
    await saveAlert(db, {
      key: 'host_down|web-2', rule: 'host_down', host: 'web-2', labels: {}, severity: 'critical', state: 'firing', summary: 'Host down', value: null,
      threshold: null, receivers: [], startsAt: NOW - MINUTE, endsAt: null, lastEventAt: NOW - MINUTE, lastNotifiedAt: null, notifiedFiring: false,
      ackedBy: null, ackedAt: null, ackedComment: null, flapping: false, stateChanges: [], heldBackBy: null, escalatedSteps: 0,
    });
  });

  void test('GET /api/v1/fleet/summary counts hosts and alerts and averages the newest samples', async () => {
    const res = await web.server.inject({ url: '/api/v1/fleet/summary', headers: web.asViewer });
    assert.equal(res.statusCode, 200);
    const summary = JSON.parse(res.payload) as FleetSummary;
    assert.deepEqual(summary.hosts, { total: 3, up: 1, down: 1, unknown: 1, removed: 0 });
    assert.deepEqual(summary.alerts, { firing: 1, acknowledged: 0, pending: 0, bySeverity: { critical: 1, warning: 0, info: 0 } });
    assert.deepEqual(summary.averages, { hosts: 1, cpuBusyPct: 35, memUsedPct: 60, diskUsedPctMax: 70, netRxBytesPerSec: 100, netTxBytesPerSec: 50 });
    assert.equal(summary.at, new Date(NOW).toISOString());
  });

  void test('GET /api/v1/fleet/sparklines gives every host with data one line of the asked points', async () => {
    const res = await web.server.inject({ url: '/api/v1/fleet/sparklines', headers: web.asViewer });
    assert.equal(res.statusCode, 200);
    const lines = JSON.parse(res.payload) as FleetSparklines;
    assert.equal(lines.step, 120, 'the defaults: 60 minutes in 30 points');
    assert.equal(lines.to, '2025-03-01T12:01:00.000Z');
    assert.equal(lines.from, '2025-03-01T11:01:00.000Z');
    assert.deepEqual(Object.keys(lines.hosts), ['web-1']);
    // Rollups of 6 samples at 20 % until 12:00, then the raw sample at 12:00:25: the last point
    // covers 11:59 and 12:00, (6 × 20 + 35) / 7.
    assert.deepEqual(lines.hosts['web-1'], [...new Array<number>(29).fill(20), 22.1]);
  });

  void test('sparkline points and minutes are checked, with a message saying what was wrong', async () => {
    const cases: [string, RegExp][] = [
      ['minutes=2', /"minutes" must be greater than or equal to 5/],
      ['minutes=abc', /"minutes" must be a number/],
      ['points=1', /"points" must be greater than or equal to 2/],
      ['minutes=10&points=20', /"points" \(20\) must not exceed "minutes" \(10\)/],
      ['color=red', /"color" is not allowed/],
    ];
    for (const [query, message] of cases) {
      const res = await web.server.inject({ url: `/api/v1/fleet/sparklines?${query}`, headers: web.asViewer });
      assert.equal(res.statusCode, 400, query);
      const body = JSON.parse(res.payload) as ErrorBody;
      assert.equal(body.error, 'Bad Request');
      assert.match(body.message, message, query);
    }
    const summary = await web.server.inject({ url: '/api/v1/fleet/summary?x=1', headers: web.asViewer });
    assert.equal(summary.statusCode, 400);
    assert.match((JSON.parse(summary.payload) as ErrorBody).message, /"x" is not allowed/);
  });

  void test('both need a login', async () => {
    for (const url of ['/api/v1/fleet/summary', '/api/v1/fleet/sparklines']) {
      const res = await web.server.inject({ url });
      assert.equal(res.statusCode, 401, url);
      assert.match((JSON.parse(res.payload) as ErrorBody).message, /log in first/);
    }
  });
});
