import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ApiAvailabilityReport, ApiHostOutages } from '../../../lib/web/api-availability.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';

// A Saturday noon; every host below but new-1 was first seen 60 days before.
const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Report = ApiAvailabilityReport;

void describe('availability routes', () => {
  const web = useTestWebServer({ now: () => NOW });

  before(async () => {
    const { db } = web.testDb;
    const host = (name: string, group: string, createdAgo: number, extra: { removed_at?: Date; alerting?: string } = {}) => ({
      name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify([group]), interval_sec: 10, created_at: new Date(NOW - createdAgo), ...extra,
    });
    await db.insertInto('hosts').values([
      host('web-1', 'web', 60 * DAY),
      host('web-2', 'web', 60 * DAY, { alerting: JSON.stringify({ availabilityTargetPct: 99 }) }),
      // Maintenance every night 02:00-04:00 UTC: 30 windows of 2 hours in the last 30 days.
      host('db-1', 'db', 60 * DAY, { alerting: JSON.stringify({ maintenance: [{ start: '02:00', end: '04:00', timezone: 'UTC' }], availabilityTargetPct: 99.9 }) }),
      host('new-1', 'web', 10 * DAY),
      host('gone-1', 'web', 90 * DAY, { removed_at: new Date(NOW - 40 * DAY) }),
    ]).execute();
    const episode = (host: string, rule: string, kind: string, check: string | null, startedAgo: number, endedAgo: number | null) => ({
      alert_key: `${rule}|${host}${check ? `|${check}` : ''}`, rule, kind, host, labels: JSON.stringify(check ? { id: check } : {}), severity: 'critical',
      started_at: new Date(NOW - startedAgo), ended_at: endedAgo === null ? null : new Date(NOW - endedAgo),
    });
    await db.insertInto('alert_episodes').values([
      // web-1: down 3 hours five days ago; its http check failed an hour the day before, twice.
      episode('web-1', 'host_down', 'host-down', null, 5 * DAY + 3 * HOUR, 5 * DAY),
      episode('web-1', 'check_failing', 'check-failing', 'http', 6 * DAY + HOUR, 6 * DAY + HOUR / 2),
      episode('web-1', 'check_failing', 'check-failing', 'http', 6 * DAY + HOUR / 4, 6 * DAY),
      // web-2: down for the last 2 hours, and still.
      episode('web-2', 'host_down', 'host-down', null, 2 * HOUR, null),
      // db-1: down 01:00-03:00 ten days ago, half of it in its maintenance window.
      episode('db-1', 'host_down', 'host-down', null, 10 * DAY + 11 * HOUR, 10 * DAY + 9 * HOUR),
      // Not outages: another kind of alert, and one older than the period.
      episode('db-1', 'cpu_busy', 'threshold', null, DAY, DAY - HOUR),
      episode('web-2', 'host_down', 'host-down', null, 45 * DAY, 44 * DAY),
      episode('gone-1', 'host_down', 'host-down', null, 50 * DAY, 45 * DAY),
    ]).execute();
  });

  const report = async (query: string): Promise<Report> => {
    const res = await web.server.inject({ url: `/api/v1/availability${query}`, headers: web.asViewer });
    assert.equal(res.statusCode, 200, res.payload);
    return JSON.parse(res.payload) as Report;
  };

  void test('GET /api/v1/availability gives every host of the last 30 days, lowest first, with its failed checks', async () => {
    const answer = await report('');
    assert.equal(answer.from, new Date(NOW - 30 * DAY).toISOString());
    assert.equal(answer.to, new Date(NOW).toISOString());
    assert.deepEqual(answer.hosts.map((h) => [h.host, h.availabilityPct]), [
      ['web-1', 99.5833], // 3 h of 720
      ['web-2', 99.7222], // 2 h of 720, going on
      ['db-1', 99.8485], // 1 h of 720 - 60 in maintenance
      ['new-1', 100],
    ]);
    const [web1, web2, db1, new1] = answer.hosts;
    assert.deepEqual(web1, {
      host: 'web-1', groups: ['web'], availabilityPct: 99.5833, downSeconds: 3 * 3600, countedSeconds: 30 * 86_400, maintenanceSeconds: 0, unmonitoredSeconds: 0,
      outages: 1, longestOutageSeconds: 3 * 3600, down: false, removed: false, targetPct: null, targetMet: null, budgetLeftSeconds: null,
      checks: [{ id: 'http', availabilityPct: 99.8958, downSeconds: 45 * 60, countedSeconds: 30 * 86_400, maintenanceSeconds: 0, unmonitoredSeconds: 0, outages: 2, longestOutageSeconds: 30 * 60, down: false }],
    });
    assert.equal(web2?.down, true);
    assert.equal(web2?.downSeconds, 2 * 3600);
    assert.equal(db1?.maintenanceSeconds, 60 * 3600);
    assert.equal(db1?.downSeconds, 3600);
    assert.deepEqual(db1?.checks, []);
    assert.equal(new1?.countedSeconds, 10 * 86_400, 'counted from when it was first seen');
    // Targets (vigil_availability_target): web-2 may be down 1 % of 720 h, 7.2 h, and was 2 h; db-1
    // 0.1 % of its 660 counted hours, 0.66 h, and was 1 h.
    assert.deepEqual([web2?.targetPct, web2?.targetMet, web2?.budgetLeftSeconds], [99, true, 7.2 * 3600 - 2 * 3600]);
    assert.deepEqual([db1?.targetPct, db1?.targetMet, db1?.budgetLeftSeconds], [99.9, false, Math.round(0.66 * 3600) - 3600]);
  });

  void test('a group, a host and a period narrow the report', async () => {
    assert.deepEqual((await report('?group=db')).hosts.map((h) => h.host), ['db-1']);
    const day = await report(`?host=web-1&from=${new Date(NOW - DAY).toISOString()}`);
    assert.deepEqual(day.hosts.map((h) => [h.host, h.availabilityPct, h.outages]), [['web-1', 100, 0]]);
    // 50 days back: gone-1 was still there for 10 of them, down for 5.
    const gone = (await report(`?from=${NOW - 50 * DAY}&to=${NOW - 30 * DAY}`)).hosts.find((h) => h.host === 'gone-1');
    assert.equal(gone?.removed, true);
    assert.equal(gone?.countedSeconds, 10 * 86_400);
    assert.equal(gone?.downSeconds, 5 * 86_400);
    assert.equal(gone?.availabilityPct, 50);
    assert.deepEqual((await report('?host=nobody')).hosts, []);
  });

  void test('a bad period is refused with what is wrong', async () => {
    const refusals: Array<[string, string]> = [
      [`?from=${NOW}&to=${NOW - DAY}`, '"to" must be later than "from"'],
      [`?from=${NOW - 500 * DAY}`, 'the period from "from" to "to" must be at most 400 days'],
      ['?from=yesterday', '"from" must be an ISO 8601 date or milliseconds since the epoch'],
      ['?group=', '"group" is not allowed to be empty'],
    ];
    for (const [query, message] of refusals) {
      const res = await web.server.inject({ url: `/api/v1/availability${query}`, headers: web.asViewer });
      assert.equal(res.statusCode, 400, query);
      assert.match((JSON.parse(res.payload) as { message: string }).message, new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), query);
    }
  });

  void test('GET /api/v1/hosts/{name}/outages lists the host\'s and its checks\' outages, newest first', async () => {
    const res = await web.server.inject({ url: '/api/v1/hosts/web-1/outages', headers: web.asViewer });
    assert.equal(res.statusCode, 200);
    const body = JSON.parse(res.payload) as ApiHostOutages;
    assert.equal(body.host, 'web-1');
    assert.deepEqual(body.outages.map((o) => [o.what, o.check, o.rule, o.seconds]), [
      ['host', null, 'host_down', 3 * 3600],
      ['check', 'http', 'check_failing', 15 * 60],
      ['check', 'http', 'check_failing', 30 * 60],
    ]);
    const ongoing = JSON.parse((await web.server.inject({ url: '/api/v1/hosts/web-2/outages', headers: web.asViewer })).payload) as ApiHostOutages;
    assert.deepEqual(ongoing.outages, [{ what: 'host', check: null, rule: 'host_down', startedAt: new Date(NOW - 2 * HOUR).toISOString(), endedAt: null, seconds: 7200 }]);
    const missing = await web.server.inject({ url: '/api/v1/hosts/nobody/outages', headers: web.asViewer });
    assert.equal(missing.statusCode, 404);
  });

  void test('while the SSH bastion a host is reached through was down, the host\'s own state was unknown: left out of its period, not counted up', async () => {
    const { db } = web.testDb;
    await db.insertInto('hosts').values([
      { name: 'jump-1', address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify(['edge']), interval_sec: 10, created_at: new Date(NOW - 60 * DAY) },
      { name: 'app-9', address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify(['app']), interval_sec: 10, created_at: new Date(NOW - 60 * DAY), via: JSON.stringify(['jump-1']) },
    ]).execute();
    // The bastion was down 4 hours ten days ago, and is down again for the last hour.
    await db.insertInto('alert_episodes').values([
      { alert_key: 'host_down|jump-1', rule: 'host_down', kind: 'host-down', host: 'jump-1', labels: '{}', severity: 'critical', started_at: new Date(NOW - 10 * DAY - 4 * HOUR), ended_at: new Date(NOW - 10 * DAY) },
      { alert_key: 'host_down|jump-1', rule: 'host_down', kind: 'host-down', host: 'jump-1', labels: '{}', severity: 'critical', started_at: new Date(NOW - HOUR), ended_at: null },
    ]).execute();
    // Asked for its group alone: the bastion's outages are read all the same.
    const [app] = (await report('?group=app')).hosts;
    assert.deepEqual([app?.host, app?.availabilityPct, app?.downSeconds, app?.unmonitoredSeconds, app?.countedSeconds], ['app-9', 100, 0, 5 * 3600, 30 * 86_400 - 5 * 3600]);
    const jump = (await report('?group=edge')).hosts[0];
    assert.deepEqual([jump?.host, jump?.downSeconds, jump?.unmonitoredSeconds], ['jump-1', 5 * 3600, 0]);
    // The host's outage list is its own, none of the bastion's.
    const res = await web.server.inject({ url: '/api/v1/hosts/app-9/outages', headers: web.asViewer });
    assert.deepEqual((JSON.parse(res.payload) as ApiHostOutages).outages, []);
  });
});

