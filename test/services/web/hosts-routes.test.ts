import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import type { VigilDb } from '../../../lib/db/database.ts';
import type { HostOverview } from '../../../lib/db/queries/list-hosts.ts';
import type { HostSeries } from '../../../lib/db/queries/select-host-series.ts';
import { recordRollupProgress } from '../../../lib/db/rollups/rollup-progress.ts';
import { silentLogger } from '../../../lib/log.ts';
import { createWebServer } from '../../../services/web/web-server.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const NASTY = '<img src=x onerror=alert(1)>';

async function insertHost(db: VigilDb, name: string): Promise<void> {
  await db.insertInto('hosts').values({ name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify(['web']), interval_sec: 10, status: 'up' }).execute();
}

async function insertSample(db: VigilDb, host: string, tsMs: number, cpu: number): Promise<void> {
  await db
    .insertInto('samples')
    .values({
      host,
      ts: new Date(tsMs),
      cpu_busy_pct: cpu,
      cpu_count: 1,
      mem_total_bytes: 2 ** 30,
      mem_available_bytes: 2 ** 29,
      mem_used_pct: 50,
      swap_total_bytes: 0,
      swap_used_bytes: 0,
      load1: 1,
      load5: 1,
      load15: 1,
      uptime_sec: 10,
      net_rx_bps: 100,
      net_tx_bps: 200,
      disk_used_pct_max: 30,
      filesystems: '[]',
      interfaces: '[]',
    })
    .execute();
}

void describe('hosts routes', () => {
  let testDb: TestDatabase;
  let server: Server;

  before(async () => {
    testDb = await createTestDatabase('pglite');
    const { db } = testDb;
    await insertHost(db, 'web-1');
    await insertHost(db, 'idle-1');
    await insertHost(db, NASTY);
    // Two hours of samples, one every 10 minutes, out of insertion order.
    for (const minutes of [0, 120, 10, 60, 110, 50, 100, 30]) await insertSample(db, 'web-1', NOW - minutes * 60_000, minutes);
    await insertSample(db, NASTY, NOW - 5000, 1);
    server = await createWebServer({ db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, now: () => NOW });
  });

  after(async () => {
    await server?.stop();
    await testDb?.close();
  });

  void test('GET /api/v1/hosts lists the hosts with their latest sample, null for a host without samples', async () => {
    const res = await server.inject('/api/v1/hosts');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const { hosts } = res.result as { hosts: HostOverview[] };
    assert.deepEqual(hosts.map((h) => h.name).sort(), [NASTY, 'idle-1', 'web-1'].sort());
    const web = hosts.find((h) => h.name === 'web-1');
    assert.equal(web?.latest?.ts, NOW);
    assert.equal(web?.latest?.cpuBusyPct, 0);
    assert.deepEqual(web?.groups, ['web']);
    assert.equal(hosts.find((h) => h.name === 'idle-1')?.latest, null);
  });

  void test('a host name full of markup comes back as the same plain JSON string', async () => {
    const res = await server.inject('/api/v1/hosts');
    const parsed = JSON.parse(res.payload) as { hosts: HostOverview[] };
    assert.ok(parsed.hosts.some((h) => h.name === NASTY));
    const series = await server.inject(`/api/v1/hosts/${encodeURIComponent(NASTY)}/samples`);
    assert.equal(series.statusCode, 200);
    const body = JSON.parse(series.payload) as HostSeries;
    assert.equal(body.host, NASTY);
    assert.equal(body.ts.length, 1);
  });

  void test('samples default to the last hour, columnar, in ts order, in seconds', async () => {
    const res = await server.inject('/api/v1/hosts/web-1/samples');
    assert.equal(res.statusCode, 200);
    const body = JSON.parse(res.payload) as HostSeries;
    assert.equal(body.from, new Date(NOW - 3_600_000).toISOString());
    assert.equal(body.to, new Date(NOW).toISOString());
    assert.deepEqual(body.ts, [60, 50, 30, 10, 0].map((m) => (NOW - m * 60_000) / 1000));
    assert.deepEqual(body.cpuBusyPct, [60, 50, 30, 10, 0]);
    assert.deepEqual(body.netTxBytesPerSec, [200, 200, 200, 200, 200]);
  });

  void test('from and to accept ISO dates and milliseconds, and bound the result', async () => {
    const iso = await server.inject(
      `/api/v1/hosts/web-1/samples?from=${new Date(NOW - 115 * 60_000).toISOString()}&to=${new Date(NOW - 55 * 60_000).toISOString()}`,
    );
    assert.equal(iso.statusCode, 200);
    assert.deepEqual((JSON.parse(iso.payload) as HostSeries).cpuBusyPct, [110, 100, 60]);
    const ms = await server.inject(`/api/v1/hosts/web-1/samples?from=${NOW - 125 * 60_000}&to=${NOW - 105 * 60_000}`);
    assert.equal(ms.statusCode, 200);
    assert.deepEqual((JSON.parse(ms.payload) as HostSeries).cpuBusyPct, [120, 110]);
  });

  void test('from alone runs to now', async () => {
    const res = await server.inject(`/api/v1/hosts/web-1/samples?from=${NOW - 15 * 60_000}`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual((JSON.parse(res.payload) as HostSeries).cpuBusyPct, [10, 0]);
  });

  void test('maxPoints caps the number of points by averaging', async () => {
    const res = await server.inject(`/api/v1/hosts/web-1/samples?from=${NOW - 125 * 60_000}&to=${NOW}&maxPoints=2`);
    assert.equal(res.statusCode, 200);
    const body = JSON.parse(res.payload) as HostSeries;
    assert.equal(body.ts.length, 2);
    assert.notEqual(body.bucketSec, null);
  });

  void test('a bad from is a 400 whose message names from', async () => {
    for (const from of ['yesterday', '2025-13-45', '-5', '1e9']) {
      const res = await server.inject(`/api/v1/hosts/web-1/samples?from=${encodeURIComponent(from)}`);
      assert.equal(res.statusCode, 400, from);
      const body = JSON.parse(res.payload) as { statusCode: number; error: string; message: string };
      assert.equal(body.statusCode, 400);
      assert.equal(body.error, 'Bad Request');
      assert.match(body.message, /"from"/, from);
    }
  });

  void test('to before from is a 400', async () => {
    const res = await server.inject(`/api/v1/hosts/web-1/samples?from=${NOW}&to=${NOW - 1000}`);
    assert.equal(res.statusCode, 400);
    assert.match((JSON.parse(res.payload) as { message: string }).message, /"to" must be later than "from"/);
  });

  void test('a range over 400 days is a 400', async () => {
    const res = await server.inject(`/api/v1/hosts/web-1/samples?from=${NOW - 401 * 86_400_000}&to=${NOW}`);
    assert.equal(res.statusCode, 400);
    assert.match((JSON.parse(res.payload) as { message: string }).message, /400 days/);
  });

  void test('a bad maxPoints or an unknown parameter is a 400 naming it', async () => {
    const bad = await server.inject('/api/v1/hosts/web-1/samples?maxPoints=1');
    assert.equal(bad.statusCode, 400);
    assert.match((JSON.parse(bad.payload) as { message: string }).message, /"maxPoints"/);
    const unknown = await server.inject('/api/v1/hosts?limit=5');
    assert.equal(unknown.statusCode, 400);
    assert.match((JSON.parse(unknown.payload) as { message: string }).message, /"limit" is not allowed/);
  });

  void test('an unknown host is a 404', async () => {
    const res = await server.inject('/api/v1/hosts/nope/samples');
    assert.equal(res.statusCode, 404);
    assert.match((JSON.parse(res.payload) as { message: string }).message, /nope/);
  });

  void test('a 90-day range reads the hourly rollups, an hour the raw samples', async () => {
    const hourAgo30Days = NOW - 30 * 86_400_000;
    await testDb.db.insertInto('samples_1h').values({ host: 'web-1', bucket: new Date(hourAgo30Days), sample_count: 360, cpu_busy_pct_avg: 42 }).execute();
    await recordRollupProgress(testDb.db, '1h', NOW - 3 * 3_600_000);
    const long = await server.inject(`/api/v1/hosts/web-1/samples?from=${NOW - 90 * 86_400_000}&to=${NOW}`);
    assert.equal(long.statusCode, 200);
    const body = JSON.parse(long.payload) as HostSeries;
    assert.equal(body.resolution, '1h');
    assert.equal(body.bucketSec, 3600);
    // The rolled-up hour, then the hours after the mark (09:00), averaged here from the raw
    // samples: 10:00 holds those 120, 110 and 100 minutes old, 11:00 those 60 to 10, 12:00 the last.
    assert.equal(body.ts[0], hourAgo30Days / 1000);
    assert.equal(body.cpuBusyPct[0], 42);
    assert.deepEqual(body.ts.slice(1), [NOW - 2 * 3_600_000, NOW - 3_600_000, NOW].map((ms) => ms / 1000));
    assert.deepEqual(body.cpuBusyPct.slice(1), [110, (60 + 50 + 30 + 10) / 4, 0]);
    const short = await server.inject(`/api/v1/hosts/web-1/samples?from=${NOW - 3_600_000}&to=${NOW}`);
    assert.equal((JSON.parse(short.payload) as HostSeries).resolution, 'raw');
  });

  void test('resolution= overrides the choice', async () => {
    const minutes = await server.inject('/api/v1/hosts/web-1/samples?resolution=1m');
    const perMinute = JSON.parse(minutes.payload) as HostSeries;
    assert.equal(perMinute.resolution, '1m');
    assert.equal(perMinute.bucketSec, 60);
    assert.deepEqual(perMinute.cpuBusyPct, [60, 50, 30, 10, 0]);
    const raw = await server.inject(`/api/v1/hosts/web-1/samples?from=${NOW - 90 * 86_400_000}&to=${NOW}&resolution=raw`);
    const body = JSON.parse(raw.payload) as HostSeries;
    assert.equal(body.resolution, 'raw');
    assert.equal(body.ts.length, 8);
    const auto = await server.inject('/api/v1/hosts/web-1/samples?resolution=auto');
    assert.equal((JSON.parse(auto.payload) as HostSeries).resolution, 'raw');
    const bad = await server.inject('/api/v1/hosts/web-1/samples?resolution=5m');
    assert.equal(bad.statusCode, 400);
    assert.match((JSON.parse(bad.payload) as { message: string }).message, /"resolution" must be one of/);
  });
});
