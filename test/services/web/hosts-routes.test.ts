import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import type { VigilDb } from '../../../lib/db/database.ts';
import type { HostOverview } from '../../../lib/db/queries/list-hosts.ts';
import type { HostSeries } from '../../../lib/db/queries/select-host-series.ts';
import type { HostDetail } from '../../../lib/db/queries/select-host-detail.ts';
import { insertSamples } from '../../../lib/db/queries/insert-samples.ts';
import type { ProcessSummary } from '../../../lib/collect/sample.ts';
import { recordRollupProgress } from '../../../lib/db/rollups/rollup-progress.ts';
import { silentLogger } from '../../../lib/log.ts';
import { createWebServer } from '../../../services/web/web-server.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { createTestUser } from '../../support/test-users.ts';
import { testSample } from '../../support/test-samples.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';

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
    headers = (await createTestUser(db, { role: 'viewer' })).headers;
  });

  let headers: { authorization: string };
  const inject = (url: string) => server.inject({ url, headers });

  after(async () => {
    await server?.stop();
    await testDb?.close();
  });

  void test('GET /api/v1/hosts lists the hosts with their latest sample, null for a host without samples', async () => {
    const res = await inject('/api/v1/hosts');
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
    const res = await inject('/api/v1/hosts');
    const parsed = JSON.parse(res.payload) as { hosts: HostOverview[] };
    assert.ok(parsed.hosts.some((h) => h.name === NASTY));
    const series = await inject(`/api/v1/hosts/${encodeURIComponent(NASTY)}/samples`);
    assert.equal(series.statusCode, 200);
    const body = JSON.parse(series.payload) as HostSeries;
    assert.equal(body.host, NASTY);
    assert.equal(body.ts.length, 1);
  });

  void test('samples default to the last hour, columnar, in ts order, in seconds', async () => {
    const res = await inject('/api/v1/hosts/web-1/samples');
    assert.equal(res.statusCode, 200);
    const body = JSON.parse(res.payload) as HostSeries;
    assert.equal(body.from, new Date(NOW - 3_600_000).toISOString());
    assert.equal(body.to, new Date(NOW).toISOString());
    assert.deepEqual(body.ts, [60, 50, 30, 10, 0].map((m) => (NOW - m * 60_000) / 1000));
    assert.deepEqual(body.cpuBusyPct, [60, 50, 30, 10, 0]);
    assert.deepEqual(body.netTxBytesPerSec, [200, 200, 200, 200, 200]);
  });

  void test('from and to accept ISO dates and milliseconds, and bound the result', async () => {
    const iso = await inject(
      `/api/v1/hosts/web-1/samples?from=${new Date(NOW - 115 * 60_000).toISOString()}&to=${new Date(NOW - 55 * 60_000).toISOString()}`,
    );
    assert.equal(iso.statusCode, 200);
    assert.deepEqual((JSON.parse(iso.payload) as HostSeries).cpuBusyPct, [110, 100, 60]);
    const ms = await inject(`/api/v1/hosts/web-1/samples?from=${NOW - 125 * 60_000}&to=${NOW - 105 * 60_000}`);
    assert.equal(ms.statusCode, 200);
    assert.deepEqual((JSON.parse(ms.payload) as HostSeries).cpuBusyPct, [120, 110]);
  });

  void test('from alone runs to now', async () => {
    const res = await inject(`/api/v1/hosts/web-1/samples?from=${NOW - 15 * 60_000}`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual((JSON.parse(res.payload) as HostSeries).cpuBusyPct, [10, 0]);
  });

  void test('maxPoints caps the number of points by averaging', async () => {
    const res = await inject(`/api/v1/hosts/web-1/samples?from=${NOW - 125 * 60_000}&to=${NOW}&maxPoints=2`);
    assert.equal(res.statusCode, 200);
    const body = JSON.parse(res.payload) as HostSeries;
    assert.equal(body.ts.length, 2);
    assert.notEqual(body.bucketSec, null);
  });

  void test('a bad from is a 400 whose message names from', async () => {
    for (const from of ['yesterday', '2025-13-45', '-5', '1e9']) {
      const res = await inject(`/api/v1/hosts/web-1/samples?from=${encodeURIComponent(from)}`);
      assert.equal(res.statusCode, 400, from);
      const body = JSON.parse(res.payload) as { statusCode: number; error: string; message: string };
      assert.equal(body.statusCode, 400);
      assert.equal(body.error, 'Bad Request');
      assert.match(body.message, /"from"/, from);
    }
  });

  void test('to before from is a 400', async () => {
    const res = await inject(`/api/v1/hosts/web-1/samples?from=${NOW}&to=${NOW - 1000}`);
    assert.equal(res.statusCode, 400);
    assert.match((JSON.parse(res.payload) as { message: string }).message, /"to" must be later than "from"/);
  });

  void test('a range over 400 days is a 400', async () => {
    const res = await inject(`/api/v1/hosts/web-1/samples?from=${NOW - 401 * 86_400_000}&to=${NOW}`);
    assert.equal(res.statusCode, 400);
    assert.match((JSON.parse(res.payload) as { message: string }).message, /400 days/);
  });

  void test('a bad maxPoints or an unknown parameter is a 400 naming it', async () => {
    const bad = await inject('/api/v1/hosts/web-1/samples?maxPoints=1');
    assert.equal(bad.statusCode, 400);
    assert.match((JSON.parse(bad.payload) as { message: string }).message, /"maxPoints"/);
    const unknown = await inject('/api/v1/hosts?limit=5');
    assert.equal(unknown.statusCode, 400);
    assert.match((JSON.parse(unknown.payload) as { message: string }).message, /"limit" is not allowed/);
  });

  void test('an unknown host is a 404', async () => {
    const res = await inject('/api/v1/hosts/nope/samples');
    assert.equal(res.statusCode, 404);
    assert.match((JSON.parse(res.payload) as { message: string }).message, /nope/);
  });

  void test('a 90-day range reads the hourly rollups, an hour the raw samples', async () => {
    const hourAgo30Days = NOW - 30 * 86_400_000;
    await testDb.db.insertInto('samples_1h').values({ host: 'web-1', bucket: new Date(hourAgo30Days), sample_count: 360, cpu_busy_pct_avg: 42 }).execute();
    await recordRollupProgress(testDb.db, '1h', NOW - 3 * 3_600_000);
    const long = await inject(`/api/v1/hosts/web-1/samples?from=${NOW - 90 * 86_400_000}&to=${NOW}`);
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
    const short = await inject(`/api/v1/hosts/web-1/samples?from=${NOW - 3_600_000}&to=${NOW}`);
    assert.equal((JSON.parse(short.payload) as HostSeries).resolution, 'raw');
  });

  void test('resolution= overrides the choice', async () => {
    const minutes = await inject('/api/v1/hosts/web-1/samples?resolution=1m');
    const perMinute = JSON.parse(minutes.payload) as HostSeries;
    assert.equal(perMinute.resolution, '1m');
    assert.equal(perMinute.bucketSec, 60);
    assert.deepEqual(perMinute.cpuBusyPct, [60, 50, 30, 10, 0]);
    const raw = await inject(`/api/v1/hosts/web-1/samples?from=${NOW - 90 * 86_400_000}&to=${NOW}&resolution=raw`);
    const body = JSON.parse(raw.payload) as HostSeries;
    assert.equal(body.resolution, 'raw');
    assert.equal(body.ts.length, 8);
    const auto = await inject('/api/v1/hosts/web-1/samples?resolution=auto');
    assert.equal((JSON.parse(auto.payload) as HostSeries).resolution, 'raw');
    const bad = await inject('/api/v1/hosts/web-1/samples?resolution=5m');
    assert.equal(bad.statusCode, 400);
    assert.match((JSON.parse(bad.payload) as { message: string }).message, /"resolution" must be one of/);
  });
});

void describe('host detail, processes at a moment, and every chart column', () => {
  const web = useTestWebServer({ now: () => NOW });
  const get = async (url: string) => {
    const res = await web.server.inject({ url, headers: web.asViewer });
    return { status: res.statusCode, body: JSON.parse(res.payload) as Record<string, unknown> };
  };
  const processes = (label: string): ProcessSummary => ({
    running: 2,
    total: 90,
    topCpu: [{ pid: 42, user: null, command: `${label} <script>alert(1)</script> --burn`, cpuPct: 180.5, rssBytes: 2 ** 20 }],
    topMemory: [{ pid: 7, user: null, command: `${label}-java -Xmx8g`, cpuPct: 3, rssBytes: 2 ** 33 }],
    matches: [],
  });

  before(async () => {
    const { db } = web.testDb;
    await db
      .insertInto('hosts')
      .values({
        name: 'db-1', address: '10.0.0.7', connection: 'ssh', groups: JSON.stringify(['db', 'prod']), interval_sec: 10, status: 'up',
        via: JSON.stringify(['bastion-1']), hostname: 'db-1.example', kernel: '6.1.0-18-amd64', os_name: 'Debian GNU/Linux', os_version: '12',
        cpu_model: 'AMD EPYC 7B13', architecture: 'x86_64', facts_at: new Date(NOW - 3_600_000), boot_time: new Date(NOW - 86_400_000),
        alerting: JSON.stringify({ thresholds: { cpu_busy: { warning: 90 } }, parents: ['sw-1', 'sw-2'] }),
      })
      .execute();
    await insertSamples(db, [
      // Full polls at -90 s and -30 s, light ones between and after.
      testSample('db-1', NOW - 90_000, { processes: processes('early'), failedUnits: ['old.service'], pollScript: 'full' }),
      testSample('db-1', NOW - 60_000, { pollScript: 'light' }),
      testSample('db-1', NOW - 30_000, { processes: processes('late'), failedUnits: ['nginx.service'], pollScript: 'full' }),
      testSample('db-1', NOW - 10_000, {
        pollScript: 'light',
        cpuCount: 8,
        uptimeSec: 86_390,
        cpuModes: { user: 30, nice: 0, system: 10, idle: 55, iowait: 5, irq: 0, softirq: 0, steal: 0, guest: 0 },
        filesystems: [{ mount: '/var/lib/postgresql', device: '/dev/nvme0n1p2', fsType: 'ext4', sizeBytes: 1000, usedBytes: 810, availableBytes: 190, usedPct: 81, inodesUsedPct: 3 }],
        interfaces: [{ name: 'eth0', rxBytesPerSec: 5000, txBytesPerSec: 700 }],
        disks: [{ name: 'nvme0n1', readBytesPerSec: 1e6, writeBytesPerSec: 2e6, readIops: 10, writeIops: 20, busyPct: 35 }],
        contextSwitchesPerSec: 21_000.5,
        interruptsPerSec: 9400,
        forksPerSec: 3.2,
        processesBlocked: 1,
        clockOffsetSec: 4,
      }),
    ]);
  });

  void test('GET /api/v1/hosts/{name}: status, facts, newest devices, failed units of the newest full poll, and no inventory variables', async () => {
    const { status, body } = await get('/api/v1/hosts/db-1');
    assert.equal(status, 200);
    const host = body['host'] as HostDetail;
    assert.deepEqual(Object.keys(body), ['host']);
    assert.equal(host.name, 'db-1');
    assert.equal(host.address, '10.0.0.7');
    assert.deepEqual(host.groups, ['db', 'prod']);
    assert.deepEqual(host.via, ['bastion-1']);
    assert.deepEqual(host.parents, ['sw-1', 'sw-2']);
    assert.equal(host.status, 'up');
    assert.deepEqual(host.facts, {
      hostname: 'db-1.example', osName: 'Debian GNU/Linux', osVersion: '12', kernel: '6.1.0-18-amd64', cpuModel: 'AMD EPYC 7B13',
      architecture: 'x86_64', cpuCount: 8, memTotalBytes: 1000, swapTotalBytes: 0, bootTime: new Date(NOW - 86_400_000).toISOString(),
      uptimeSec: 86_390, clockOffsetSec: 4, factsAt: new Date(NOW - 3_600_000).toISOString(),
    });
    assert.equal(host.latest?.ts, new Date(NOW - 10_000).toISOString());
    assert.equal(host.latest?.filesystems[0]?.mount, '/var/lib/postgresql');
    assert.equal(host.latest?.disks[0]?.busyPct, 35);
    assert.deepEqual(host.failedUnits, { ts: new Date(NOW - 30_000).toISOString(), units: ['nginx.service'] });
    // The inventory's alerting variables stay on the server.
    assert.equal(JSON.stringify(body).includes('thresholds'), false);
  });

  void test('GET /api/v1/hosts/{name} of an unknown host is a 404 naming it; the call needs a login', async () => {
    const { status, body } = await get('/api/v1/hosts/nope');
    assert.equal(status, 404);
    assert.deepEqual(body, { statusCode: 404, error: 'Not Found', message: 'no host named "nope"' });
    const anonymous = await web.server.inject('/api/v1/hosts/db-1');
    assert.equal(anonymous.statusCode, 401);
  });

  void test('processes?at= picks the newest full poll at or before the moment', async () => {
    const at = async (ms: number) => (await get(`/api/v1/hosts/db-1/processes?at=${ms}`)).body as { host: string; at: string; sample: ({ ts: string } & ProcessSummary) | null };
    // Between the full polls, and at a light poll: the earlier full poll.
    for (const ms of [NOW - 90_000, NOW - 60_000, NOW - 30_001]) {
      const body = await at(ms);
      assert.equal(body.sample?.ts, new Date(NOW - 90_000).toISOString(), String(ms));
      assert.match(body.sample?.topCpu[0]?.command ?? '', /^early <script>/);
    }
    // Exactly at, and after, the later one.
    for (const ms of [NOW - 30_000, NOW]) assert.equal((await at(ms)).sample?.ts, new Date(NOW - 30_000).toISOString());
    const late = await at(NOW);
    assert.equal(late.at, new Date(NOW).toISOString());
    assert.deepEqual(late.sample?.topMemory, processes('late').topMemory);
    // ISO works as well as milliseconds; no "at" means now.
    const iso = await get(`/api/v1/hosts/db-1/processes?at=${encodeURIComponent(new Date(NOW - 45_000).toISOString())}`);
    assert.equal((iso.body['sample'] as { ts: string }).ts, new Date(NOW - 90_000).toISOString());
    assert.equal(((await get('/api/v1/hosts/db-1/processes')).body['sample'] as { ts: string }).ts, new Date(NOW - 30_000).toISOString());
  });

  void test('processes before any full poll, or long after the last one, is a null sample', async () => {
    assert.equal((await get(`/api/v1/hosts/db-1/processes?at=${NOW - 91_000}`)).body['sample'], null);
    assert.equal((await get(`/api/v1/hosts/db-1/processes?at=${NOW + 3_600_000}`)).body['sample'], null);
  });

  void test('processes: bad "at", unknown parameters and unknown hosts', async () => {
    for (const value of ['noon', '-1', '2025-02-30T25:00']) {
      const { status, body } = await get(`/api/v1/hosts/db-1/processes?at=${encodeURIComponent(value)}`);
      assert.equal(status, 400, value);
      assert.equal(body['error'], 'Bad Request');
      assert.match(String(body['message']), /"at" must be an ISO 8601 date or milliseconds since the epoch/, value);
    }
    const extra = await get('/api/v1/hosts/db-1/processes?top=5');
    assert.equal(extra.status, 400);
    assert.match(String(extra.body['message']), /"top" is not allowed/);
    const unknown = await get('/api/v1/hosts/nope/processes');
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.body['message']), /no host named "nope"/);
  });

  void test('samples carry every chart column and the per-device lists, aligned to ts', async () => {
    const { status, body } = await get(`/api/v1/hosts/db-1/samples?from=${NOW - 120_000}&to=${NOW}`);
    assert.equal(status, 200);
    const series = body as unknown as HostSeries;
    assert.deepEqual(series.ts, [90, 60, 30, 10].map((s) => (NOW - s * 1000) / 1000));
    assert.deepEqual(series.cpuUserPct, [null, null, null, 30]);
    assert.deepEqual(series.load15, [0.3, 0.3, 0.3, 0.3]);
    assert.deepEqual(series.filesystems, [{ name: '/var/lib/postgresql', usedPct: [null, null, null, 81] }]);
    assert.deepEqual(series.disks, [{
      name: 'nvme0n1', readBytesPerSec: [null, null, null, 1e6], writeBytesPerSec: [null, null, null, 2e6], busyPct: [null, null, null, 35],
      readLatencyMs: [null, null, null, null], writeLatencyMs: [null, null, null, null],
    }]);
    assert.deepEqual(series.interfaces.map((i) => i.name), ['eth0']);
    assert.deepEqual(series.gpus, []);
    assert.deepEqual(
      [series.contextSwitchesPerSec, series.interruptsPerSec, series.forksPerSec, series.processesBlocked].map((column) => column[3]),
      [21_000.5, 9400, 3.2, 1],
    );
  });
});

void describe('GET /api/v1/hosts?changedSince=: only what changed since an earlier answer', () => {
  const web = useTestWebServer({ now: () => NOW });
  interface Answer {
    hosts: HostOverview[];
    cursor: string;
    full: boolean;
  }
  const list = async (cursor?: string): Promise<Answer> => {
    const res = await web.server.inject({ url: cursor === undefined ? '/api/v1/hosts' : `/api/v1/hosts?changedSince=${encodeURIComponent(cursor)}`, headers: web.asViewer });
    assert.equal(res.statusCode, 200, res.payload);
    return JSON.parse(res.payload) as Answer;
  };

  before(async () => {
    for (const name of ['a-1', 'b-1', 'c-1']) await insertHost(web.testDb.db, name);
  });

  void test('the whole list comes with a cursor; asked again with it and nothing changed, no hosts', async () => {
    const first = await list();
    assert.equal(first.full, true);
    assert.deepEqual(first.hosts.map((h) => h.name), ['a-1', 'b-1', 'c-1']);
    assert.match(first.cursor, /^\d+:\d+:[\d,]*\.[0-9a-f]{32}$/);
    const again = await list(first.cursor);
    assert.deepEqual(again, { hosts: [], cursor: again.cursor, full: false });
  });

  void test('a new sample or a status change brings back that host alone, with its new figures', async () => {
    const { db } = web.testDb;
    const { cursor } = await list();
    await insertSample(db, 'b-1', NOW - 1000, 77);
    await db.updateTable('hosts').set({ last_sample_at: new Date(NOW - 1000) }).where('name', '=', 'b-1').execute();
    await db.updateTable('hosts').set({ status: 'down', status_reason: 'refused', status_message: 'connection refused' }).where('name', '=', 'c-1').execute();
    const changed = await list(cursor);
    assert.equal(changed.full, false);
    assert.deepEqual(changed.hosts.map((h) => h.name), ['b-1', 'c-1']);
    assert.equal(changed.hosts[0]?.latest?.cpuBusyPct, 77);
    assert.equal(changed.hosts[1]?.status, 'down');
    assert.equal(changed.hosts[1]?.statusMessage, 'connection refused');
    // The next cursor moves on: nothing changed after this answer.
    assert.deepEqual((await list(changed.cursor)).hosts, []);
  });

  void test('a write that only a poll makes (last_poll_at) is not a change', async () => {
    const { db } = web.testDb;
    const { cursor } = await list();
    await db.updateTable('hosts').set({ last_poll_at: new Date(NOW) }).execute();
    assert.deepEqual((await list(cursor)).hosts, []);
  });

  void test('an inventory change (regrouped, readdressed, removed, added) sends the whole list again', async () => {
    const { db } = web.testDb;
    const changes = [
      () => db.updateTable('hosts').set({ groups: JSON.stringify(['db']) }).where('name', '=', 'a-1').execute(),
      () => db.updateTable('hosts').set({ address: '10.9.9.9' }).where('name', '=', 'a-1').execute(),
      () => db.updateTable('hosts').set({ removed_at: new Date(NOW) }).where('name', '=', 'b-1').execute(),
      () => insertHost(db, 'd-1'),
    ];
    for (const [i, change] of changes.entries()) {
      const { cursor } = await list();
      await change();
      const answer = await list(cursor);
      assert.equal(answer.full, true, `change ${i}`);
      assert.equal(answer.hosts.length, 3 + (i === 3 ? 1 : 0), `change ${i}`);
    }
    const hosts = (await list()).hosts;
    assert.deepEqual(hosts.find((h) => h.name === 'a-1')?.groups, ['db']);
    assert.equal(hosts.find((h) => h.name === 'a-1')?.address, '10.9.9.9');
    assert.equal(hosts.find((h) => h.name === 'b-1')?.removed, true);
  });

  void test('a cursor from another database (ahead of this one) gets the whole list', async () => {
    const { cursor } = await list();
    const [xmin = '', xmax = '', rest = ''] = cursor.split(':');
    const ahead = `${xmin}:${BigInt(xmax) + 1_000_000n}:${rest}`;
    const answer = await list(ahead);
    assert.equal(answer.full, true);
    assert.equal(answer.hosts.length, 4);
  });

  void test('a malformed cursor is a 400 naming changedSince', async () => {
    for (const bad of ['yesterday', '12', '12:13:.abc', `1:${2n ** 64n}:.${'0'.repeat(32)}`, `9:5:.${'0'.repeat(32)}`, `1:2:.${'0'.repeat(32)}x`, 'x'.repeat(5000), '']) {
      const res = await web.server.inject({ url: `/api/v1/hosts?changedSince=${encodeURIComponent(bad)}`, headers: web.asViewer });
      assert.equal(res.statusCode, 400, bad);
      const body = JSON.parse(res.payload) as { error: string; message: string };
      assert.equal(body.error, 'Bad Request');
      assert.match(body.message, /"changedSince"/, bad);
    }
    const ok = await web.server.inject({ url: `/api/v1/hosts?changedSince=1:1:.${'0'.repeat(32)}`, headers: web.asViewer });
    assert.equal(ok.statusCode, 200);
  });

  void test('needs a login', async () => {
    assert.equal((await web.server.inject(`/api/v1/hosts?changedSince=1:1:.${'0'.repeat(32)}`)).statusCode, 401);
  });
});
