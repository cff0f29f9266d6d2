import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ApiStatusPage } from '../../../lib/web/status-page.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';

// A Saturday noon (UTC).
const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HOSTILE = '<img src=x onerror=alert(1)>';

void describe('status routes without VIGIL_STATUS_PAGE', () => {
  const web = useTestWebServer({ now: () => NOW });

  void test('there is no status page: 404 without a login, and no data', async () => {
    for (const url of ['/status', '/api/v1/status', '/status.css', '/status/feed.atom']) {
      const res = await web.server.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.match(res.payload, /set VIGIL_STATUS_PAGE/);
    }
  });
});

void describe('status routes with VIGIL_STATUS_PAGE=web,shop', () => {
  const web = useTestWebServer({ now: () => NOW, statusPage: { groups: ['web', 'shop'], title: 'Acme <status>' } });

  before(async () => {
    const { db } = web.testDb;
    const host = (name: string, group: string, alerting: string | null = null) => ({
      name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify([group]), interval_sec: 10, created_at: new Date(NOW - 100 * DAY), alerting,
    });
    await db.insertInto('hosts').values([
      host('web-1', 'web'),
      host(HOSTILE, 'web'),
      host('db-1', 'db'),
      // In its maintenance window now (11:00-13:00 UTC every day).
      host('shop-1', 'shop', JSON.stringify({ maintenance: [{ start: '11:00', end: '13:00' }] })),
    ]).execute();
    const episode = (host: string, kind: string, check: string | null, startedAt: number, endedAt: number | null) => ({
      alert_key: `${kind}|${host}|${check ?? ''}`, rule: kind === 'host-down' ? 'host_down' : 'check_failing', kind, host,
      labels: JSON.stringify(check ? { id: check } : {}), severity: 'critical', started_at: new Date(startedAt), ended_at: endedAt === null ? null : new Date(endedAt),
    });
    await db.insertInto('alert_episodes').values([
      // web-1 down 02:00-04:00 yesterday; its http check failing for the last hour.
      episode('web-1', 'host-down', null, NOW - 34 * HOUR, NOW - 32 * HOUR),
      episode('web-1', 'check-failing', 'http', NOW - HOUR, null),
      // db-1 is down, but not in a group the page shows.
      episode('db-1', 'host-down', null, NOW - HOUR, null),
    ]).execute();
    await db.insertInto('samples').values({
      host: 'web-1', ts: new Date(NOW - 10_000), cpu_busy_pct: 5, cpu_count: 2, mem_total_bytes: 1, mem_available_bytes: 1, mem_used_pct: 50,
      swap_total_bytes: 0, swap_used_bytes: 0, load1: 0, load5: 0, load15: 0, uptime_sec: 1, net_rx_bps: 0, net_tx_bps: 0, disk_used_pct_max: 10,
      filesystems: '[]', interfaces: '[]',
      checks: JSON.stringify([{ id: 'tcp:web-1:443', kind: 'tcp', ok: true }, { id: 'http', kind: 'http', ok: false, reason: 'status' }]),
    }).execute();
  });

  void test('GET /api/v1/status needs no login and gives the groups in order, each host and its checks, with their state and 90 daily figures', async () => {
    const res = await web.server.inject({ url: '/api/v1/status' });
    assert.equal(res.statusCode, 200, res.payload);
    const page = JSON.parse(res.payload) as ApiStatusPage;
    assert.equal(page.title, 'Acme <status>');
    assert.equal(page.overall, 'degraded');
    assert.equal(page.days.length, 90);
    assert.equal(page.days[89], '2025-03-01');
    assert.equal(page.days[0], '2024-12-02');
    assert.deepEqual(page.sections.map((s) => [s.group, s.subjects.map((x) => `${x.kind} ${x.host} ${x.name} ${x.state} ${x.availabilityPct}`)]), [
      ['web', [
        `host ${HOSTILE} ${HOSTILE} up 100`,
        'host web-1 web-1 up 99.907', // 2 h of 90 days
        'check web-1 http down 99.954', // 1 h
        'check web-1 tcp:web-1:443 up 100',
      ]],
      ['shop', ['host shop-1 shop-1 maintenance 100']],
    ]);
    const web1 = page.sections[0]?.subjects[1];
    assert.equal(web1?.daily.length, 90);
    assert.equal(web1?.daily[88], 91.67, 'yesterday: 2 h of 24 down');
    assert.equal(web1?.daily[89], 100, 'today so far');
    assert.ok(!res.payload.includes('db-1'), 'nothing of a group the page does not show');
  });

  void test('GET /status is the same as HTML, every name escaped, styled from /status.css', async () => {
    // A shared link's tracking parameters are ignored, not refused.
    const res = await web.server.inject({ url: '/status?utm_source=newsletter&ref=x' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    const html = res.payload;
    assert.match(html, /<title>Acme &lt;status&gt;<\/title>/);
    assert.match(html, /<p class="overall overall-degraded">Some systems are down<\/p>/);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!html.includes('<img'), 'no markup from a host name');
    assert.equal(html.match(/class="bar /g)?.length, 5 * 90, 'five subjects, a bar a day');
    assert.match(html, /title="2025-02-28: 91.67 %"/);
    assert.ok(!html.includes('db-1'));
    const css = await web.server.inject({ url: '/status.css' });
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.match(css.payload, /\.bar-low/);
  });
});

// Sundays 02:00-04:00 in Berlin: 01:00-03:00 UTC in winter.
const SUNDAY_NIGHT = [{ days: ['sun'], start: '02:00', end: '04:00', timezone: 'Europe/Berlin' }];

void describe('status routes with public names (vigil_status_name, a check\'s name) and maintenance ahead', () => {
  const web = useTestWebServer({ now: () => NOW, statusPage: { groups: ['shop'], title: 'Shop' } });

  before(async () => {
    const { db } = web.testDb;
    await db.insertInto('hosts').values([
      { name: 'ip-10-0-3-17.internal', address: '10.0.3.17', connection: 'ssh', groups: '["shop"]', interval_sec: 10, created_at: new Date(NOW - 10 * DAY), alerting: JSON.stringify({ statusName: 'Checkout', maintenance: SUNDAY_NIGHT }) },
      { name: 'cart-1', address: '10.0.3.18', connection: 'ssh', groups: '["shop"]', interval_sec: 10, created_at: new Date(NOW - 10 * DAY), alerting: JSON.stringify({ maintenance: SUNDAY_NIGHT }) },
      // Every day 11:00-13:00 UTC: under way at noon.
      { name: 'search-1', address: '10.0.3.19', connection: 'ssh', groups: '["shop"]', interval_sec: 10, created_at: new Date(NOW - 10 * DAY), alerting: JSON.stringify({ maintenance: [{ start: '11:00', end: '13:00' }] }) },
      // A one-time window, an upgrade planned for Wednesday night in Berlin: 22:00-00:30 UTC.
      { name: 'pay-1', address: '10.0.3.20', connection: 'ssh', groups: '["shop"]', interval_sec: 10, created_at: new Date(NOW - 10 * DAY), alerting: JSON.stringify({ maintenance: [{ from: '2025-03-05 23:00', until: '2025-03-06 01:30', timezone: 'Europe/Berlin' }] }) },
    ]).execute();
    await db.insertInto('samples').values({
      host: 'ip-10-0-3-17.internal', ts: new Date(NOW - 10_000), cpu_busy_pct: 5, cpu_count: 2, mem_total_bytes: 1, mem_available_bytes: 1, mem_used_pct: 50,
      swap_total_bytes: 0, swap_used_bytes: 0, load1: 0, load5: 0, load15: 0, uptime_sec: 1, net_rx_bps: 0, net_tx_bps: 0, disk_used_pct_max: 10,
      filesystems: '[]', interfaces: '[]',
      checks: JSON.stringify([
        { id: 'http:http://10.0.3.17:8080/internal/health?token=s3cret', name: 'Payments API', kind: 'http', ok: false, reason: 'status' },
        { id: 'tcp:10.0.3.17:5432', kind: 'tcp', ok: true },
      ]),
    }).execute();
    await db.insertInto('alert_episodes').values({
      alert_key: 'check_failing|ip-10-0-3-17.internal|http', rule: 'check_failing', kind: 'check-failing', host: 'ip-10-0-3-17.internal',
      labels: JSON.stringify({ id: 'http:http://10.0.3.17:8080/internal/health?token=s3cret' }), severity: 'critical', started_at: new Date(NOW - 2 * HOUR), ended_at: null,
    }).execute();
  });

  void test('the page shows the public names, ordered by them, and nothing of the internal name or the check\'s URL', async () => {
    const res = await web.server.inject({ url: '/api/v1/status' });
    const page = JSON.parse(res.payload) as ApiStatusPage;
    assert.deepEqual(page.sections[0]?.subjects.map((x) => `${x.kind} ${x.host} · ${x.name} ${x.state}`), [
      'host cart-1 · cart-1 up',
      'host Checkout · Checkout up',
      'check Checkout · Payments API down',
      'check Checkout · tcp:10.0.3.17:5432 up',
      'host pay-1 · pay-1 up',
      'host search-1 · search-1 maintenance',
    ]);
    const html = (await web.server.inject({ url: '/status' })).payload;
    for (const body of [res.payload, html]) {
      assert.ok(!body.includes('ip-10-0-3-17'), 'no internal host name');
      assert.ok(!body.includes('s3cret') && !body.includes('/internal/health'), 'no check URL');
    }
    assert.match(html, /<span class="of-host">Checkout ·<\/span> Payments API/);
  });

  void test('the next maintenance window of each host within 7 days, hosts sharing one listed together, the one under way first', async () => {
    const page = JSON.parse((await web.server.inject({ url: '/api/v1/status' })).payload) as ApiStatusPage;
    assert.deepEqual(page.maintenance, [
      { startsAt: '2025-03-01T12:00:00.000Z', endsAt: '2025-03-01T13:00:00.000Z', hosts: ['search-1'] },
      { startsAt: '2025-03-02T01:00:00.000Z', endsAt: '2025-03-02T03:00:00.000Z', hosts: ['cart-1', 'Checkout'] },
      { startsAt: '2025-03-05T22:00:00.000Z', endsAt: '2025-03-06T00:30:00.000Z', hosts: ['pay-1'] },
    ]);
    const html = (await web.server.inject({ url: '/status' })).payload;
    assert.ok(html.includes('<li><span class="when">Under way, until 2025-03-01 13:00 UTC</span> <span class="hosts">search-1</span></li>'));
    assert.ok(html.includes('<li><span class="when">2025-03-02 01:00 – 03:00 UTC</span> <span class="hosts">cart-1, Checkout</span></li>'));
    // Past midnight: the end's date is given.
    assert.ok(html.includes('<li><span class="when">2025-03-05 22:00 – 2025-03-06 00:30 UTC</span> <span class="hosts">pay-1</span></li>'));
    assert.ok(html.indexOf('<h2>Scheduled maintenance</h2>') < html.indexOf('<h2>shop</h2>'));
  });
});

void describe('status routes with hosts behind SSH bastions', () => {
  const web = useTestWebServer({ now: () => NOW, statusPage: { groups: ['web'], title: 'Web' } });

  before(async () => {
    const { db } = web.testDb;
    const host = (name: string, group: string, via: string[]) => ({
      name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify([group]), interval_sec: 10, created_at: new Date(NOW - 100 * DAY), via: JSON.stringify(via),
    });
    // The bastions are in a group the page does not show.
    await db.insertInto('hosts').values([
      host('jump-a', 'infra', []), host('jump-b', 'infra', []), host('app-1', 'web', ['jump-a']), host('app-2', 'web', ['jump-b']), host('app-3', 'web', []),
    ]).execute();
    const down = (name: string, startedAt: number, endedAt: number | null) => ({
      alert_key: `host_down|${name}|`, rule: 'host_down', kind: 'host-down', host: name, labels: '{}', severity: 'critical',
      started_at: new Date(startedAt), ended_at: endedAt === null ? null : new Date(endedAt),
    });
    await db.insertInto('alert_episodes').values([
      // jump-a down for the last hour: app-1 cannot be polled now.
      down('jump-a', NOW - HOUR, null),
      // Yesterday app-2 was down 01:00-05:00 (4 h), and its bastion 02:00-04:00 of it.
      down('app-2', NOW - 35 * HOUR, NOW - 31 * HOUR),
      down('jump-b', NOW - 34 * HOUR, NOW - 32 * HOUR),
    ]).execute();
  });

  void test('a host behind a down bastion is unknown, not up, and its time behind it is not counted', async () => {
    const res = await web.server.inject({ url: '/api/v1/status' });
    assert.equal(res.statusCode, 200, res.payload);
    const page = JSON.parse(res.payload) as ApiStatusPage;
    assert.deepEqual(page.sections.map((s) => [s.group, s.subjects.map((x) => `${x.name} ${x.state} ${x.availabilityPct}`)]), [
      ['web', [
        'app-1 unknown 100',
        // 2 h down of 90 days less the 2 h behind the down bastion, not 4 h.
        `app-2 up ${Math.round((1 - (2 * HOUR) / (90 * DAY - 2 * HOUR)) * 100_000) / 1000}`,
        'app-3 up 100',
      ]],
    ]);
    assert.equal(page.overall, 'operational', 'an unknown host is not a down one');
    const app2 = page.sections[0]?.subjects[1];
    assert.equal(app2?.daily[88], 90.91, 'yesterday: 2 h down of the 22 h counted');
    const app1 = page.sections[0]?.subjects[0];
    assert.equal(app1?.daily[89], 100, 'today: the 11 h before the bastion went down');
    const html = (await web.server.inject({ url: '/status' })).payload;
    assert.match(html, /<span class="name">app-1<\/span><span class="pct">100 %<\/span><span class="state state-unknown" title="Cannot be checked right now; this time is not counted.">Unknown<\/span>/);
    assert.match(html, /<span class="name">app-2<\/span><span class="pct">[\d.]+ %<\/span><span class="state state-up">Up<\/span>/, 'no hint on the other states');
    for (const body of [res.payload, html]) assert.ok(!body.includes('jump-'), 'nothing of the bastions, which the page does not show');
  });
});
