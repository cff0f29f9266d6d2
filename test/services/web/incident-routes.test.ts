import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { ApiIncident } from '../../../lib/web/status-incidents.ts';
import type { ApiStatusPage } from '../../../lib/web/status-page.ts';
import { openIncident } from '../../../lib/db/queries/post-incident.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';

const START = Date.parse('2025-03-01T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const HOSTILE = '<img src=x onerror=alert(1)>';

void describe('incident routes', () => {
  let clock = START;
  const web = useTestWebServer({ now: () => clock, statusPage: { groups: ['web'], title: 'Acme status' } });

  const post = async (url: string, payload: object, headers = web.asAdmin) => web.server.inject({ method: 'POST', url, payload, headers });
  const statusPage = async (): Promise<ApiStatusPage> => {
    const res = await web.server.inject({ url: '/api/v1/status' });
    assert.equal(res.statusCode, 200, res.payload);
    return JSON.parse(res.payload) as ApiStatusPage;
  };

  before(async () => {
    await web.testDb.db.insertInto('hosts').values({
      name: 'web-1', address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify(['web']), interval_sec: 10, created_at: new Date(START - 10 * DAY),
    }).execute();
  });

  void test('reading needs a login and writing an admin; there are none at first', async () => {
    assert.equal((await web.server.inject({ url: '/api/v1/incidents' })).statusCode, 401);
    const res = await web.server.inject({ url: '/api/v1/incidents', headers: web.asViewer });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(JSON.parse(res.payload), { incidents: [] });
    const refused = await post('/api/v1/incidents', { title: 'x', message: 'y' }, web.asViewer);
    assert.equal(refused.statusCode, 403);
    assert.equal((await web.server.inject({ method: 'DELETE', url: '/api/v1/incidents/1', headers: web.asViewer })).statusCode, 403);
  });

  void test('bad input is refused with what was wrong', async () => {
    const cases: Array<[object, RegExp]> = [
      [{ message: 'm' }, /"title" is required/],
      [{ title: 't' }, /"message" is required/],
      [{ title: 't', message: '   ' }, /"message" is not allowed to be empty/],
      [{ title: 't', message: 'm', impact: 'huge' }, /"impact" must be one of \[minor, major, critical, maintenance\]/],
      [{ title: 't', message: 'm', status: 'fixed' }, /"status" must be one of \[investigating, identified, monitoring, resolved\]/],
      [{ title: 'x'.repeat(201), message: 'm' }, /"title" length must be less than or equal to 200/],
    ];
    for (const [payload, message] of cases) {
      const res = await post('/api/v1/incidents', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.match((JSON.parse(res.payload) as { message: string }).message, message);
    }
    const missing = await post('/api/v1/incidents/999/updates', { status: 'resolved', message: 'm' });
    assert.equal(missing.statusCode, 404);
    assert.match(missing.payload, /no incident with id 999/);
    assert.equal((await post('/api/v1/incidents/0/updates', { status: 'resolved', message: 'm' })).statusCode, 400);
  });

  void test('an incident opened, updated and resolved shows on the public page at once, newest update first, without who posted it', async () => {
    // The page is built and cached before the incident exists.
    assert.deepEqual((await statusPage()).incidents, []);

    const opened = await post('/api/v1/incidents', { title: `Checkout slow ${HOSTILE}`, impact: 'major', message: 'Payments time out.\nWe are looking into it.' });
    assert.equal(opened.statusCode, 201, opened.payload);
    const incident = (JSON.parse(opened.payload) as { incident: ApiIncident }).incident;
    assert.equal(incident.impact, 'major');
    assert.equal(incident.status, 'investigating');
    assert.equal(incident.resolvedAt, null);
    assert.equal(incident.createdAt, '2025-03-01T12:00:00.000Z');
    assert.deepEqual(incident.updates, [{ status: 'investigating', message: 'Payments time out.\nWe are looking into it.', at: '2025-03-01T12:00:00.000Z', by: 'test-admin' }]);

    let page = await statusPage();
    assert.equal(page.incidents.length, 1, 'the cached page was rebuilt');
    assert.equal(page.incidents[0]?.title, `Checkout slow ${HOSTILE}`);
    assert.ok(!JSON.stringify(page).includes('test-admin'), 'the public page does not say who posted');

    clock += 10 * MINUTE;
    const identified = await post(`/api/v1/incidents/${incident.id}/updates`, { status: 'identified', message: 'A full disk on db-1.', impact: 'critical' });
    assert.equal(identified.statusCode, 201, identified.payload);
    clock += 20 * MINUTE;
    const resolved = await post(`/api/v1/incidents/${incident.id}/updates`, { status: 'resolved', message: 'Space freed; payments go through.' });
    const after = (JSON.parse(resolved.payload) as { incident: ApiIncident }).incident;
    assert.equal(after.status, 'resolved');
    assert.equal(after.impact, 'critical', 'the update changed the impact');
    assert.equal(after.resolvedAt, '2025-03-01T12:30:00.000Z');
    assert.equal(after.updatedAt, '2025-03-01T12:30:00.000Z');
    assert.deepEqual(after.updates.map((u) => `${u.status} ${u.at.slice(11, 16)}`), ['resolved 12:30', 'identified 12:10', 'investigating 12:00']);

    // A postmortem note later keeps the time it was resolved.
    clock += 60 * MINUTE;
    const note = await post(`/api/v1/incidents/${incident.id}/updates`, { status: 'resolved', message: 'Postmortem: disk alerts now page.' });
    assert.equal((JSON.parse(note.payload) as { incident: ApiIncident }).incident.resolvedAt, '2025-03-01T12:30:00.000Z');

    page = await statusPage();
    assert.equal(page.incidents[0]?.resolvedAt, '2025-03-01T12:30:00.000Z');
    assert.deepEqual(page.incidents[0]?.updates.map((u) => Object.keys(u).sort()), [['at', 'message', 'status'], ['at', 'message', 'status'], ['at', 'message', 'status'], ['at', 'message', 'status']]);
  });

  void test('the HTML shows open incidents above the hosts and resolved ones folded below, every text escaped', async () => {
    const opened = await post('/api/v1/incidents', { title: 'Mail delayed', impact: 'minor', message: 'Line one\nline <b>two</b>' });
    assert.equal(opened.statusCode, 201);
    const res = await web.server.inject({ url: '/status' });
    assert.equal(res.statusCode, 200);
    const html = res.payload;
    const openAt = html.indexOf('<article class="incident impact-minor">');
    const hostsAt = html.indexOf('<h2>web</h2>');
    const pastAt = html.indexOf('<h2>Past incidents</h2>');
    assert.ok(openAt > 0 && hostsAt > openAt && pastAt > hostsAt, `open incident, then the hosts, then past incidents (${openAt}, ${hostsAt}, ${pastAt})`);
    assert.match(html, /Mail delayed<\/span> <span class="impact">Minor impact · Investigating<\/span>/);
    assert.ok(html.includes('<p class="message">Line one\nline &lt;b&gt;two&lt;/b&gt;</p>'));
    assert.match(html, /<details class="impact-critical"><summary><span class="incident-title">Checkout slow &lt;img src=x onerror=alert\(1\)&gt;<\/span> <span class="resolved-at">Critical impact · resolved 2025-03-01 12:30 UTC<\/span><\/summary>/);
    assert.ok(!html.includes('<img') && !html.includes('<b>'), 'no markup from what operators typed');
    assert.ok(!html.includes('test-admin'));
    const css = await web.server.inject({ url: '/status.css' });
    assert.match(css.payload, /\.incident\.impact-critical/);
  });

  void test('listing: open ones or all, newest first; one by id', async () => {
    const all = JSON.parse((await web.server.inject({ url: '/api/v1/incidents', headers: web.asViewer })).payload) as { incidents: ApiIncident[] };
    assert.deepEqual(all.incidents.map((i) => `${i.title} ${i.status}`), ['Mail delayed investigating', `Checkout slow ${HOSTILE} resolved`]);
    const open = JSON.parse((await web.server.inject({ url: '/api/v1/incidents?state=open', headers: web.asViewer })).payload) as { incidents: ApiIncident[] };
    assert.deepEqual(open.incidents.map((i) => i.title), ['Mail delayed']);
    const id = all.incidents[1]?.id;
    const one = await web.server.inject({ url: `/api/v1/incidents/${id}`, headers: web.asViewer });
    assert.equal((JSON.parse(one.payload) as { incident: ApiIncident }).incident.updates.length, 4);
    assert.equal((await web.server.inject({ url: '/api/v1/incidents/12345', headers: web.asViewer })).statusCode, 404);
    assert.equal((await web.server.inject({ url: '/api/v1/incidents?state=closed', headers: web.asViewer })).statusCode, 400);
  });

  void test('the incidents feed: Atom, an entry per incident on the page, the most recently updated first, every text escaped, no poster', async () => {
    const res = await web.server.inject({ url: '/status/feed.atom', headers: { host: 'status.example.org', 'x-forwarded-proto': 'https' } });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/atom\+xml; charset=utf-8/);
    const xml = res.payload;
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    assert.match(xml, /<id>https:\/\/status.example.org\/status\/feed.atom<\/id>/);
    assert.match(xml, /<link rel="alternate" type="text\/html" href="https:\/\/status.example.org\/status"\/>/);
    const entries = [...xml.matchAll(/<entry>\n<id>([^<]*)<\/id>\n<title>([^<]*)<\/title>[\s\S]*?<updated>([^<]*)<\/updated>[\s\S]*?<content type="text">([^<]*)<\/content>/g)];
    // Both last updated at 13:30 (the postmortem note, the mail incident's opening): the later posted first.
    assert.deepEqual(entries.map((m) => m[2]), ['Mail delayed (Investigating)', `[Resolved] Checkout slow &lt;img src=x onerror=alert(1)&gt;`]);
    assert.match(entries[0]?.[1] ?? '', /^https:\/\/status.example.org\/status\/feed.atom\/incident\/\d+$/);
    assert.equal(entries[0]?.[4], 'Investigating (2025-03-01 13:30 UTC): Line one\nline &lt;b&gt;two&lt;/b&gt;');
    assert.match(entries[1]?.[4] ?? '', /^Resolved \(2025-03-01 13:30 UTC\): Postmortem: disk alerts now page\.\n\nResolved \(2025-03-01 12:30 UTC\): Space freed/);
    const newest = entries.map((m) => m[3] ?? '').sort().at(-1);
    assert.match(xml, new RegExp(`<updated>${newest}</updated>\n<author>`), 'the feed is as new as its newest entry');
    assert.ok(!xml.includes('test-admin'));
    assert.ok(!xml.includes('<img') && !xml.includes('<b>'));
    // Behind a proxy that rewrites Host: the host it forwarded (the first of a chain); nothing but a host name is taken.
    const proxied = await web.server.inject({ url: '/status/feed.atom', headers: { host: '127.0.0.1:8080', 'x-forwarded-host': 'status.example.org, internal-lb', 'x-forwarded-proto': 'https' } });
    assert.match(proxied.payload, /<id>https:\/\/status.example.org\/status\/feed.atom<\/id>/);
    const hostile = await web.server.inject({ url: '/status/feed.atom', headers: { host: '127.0.0.1:8080', 'x-forwarded-host': 'evil"><x' } });
    assert.match(hostile.payload, /<id>http:\/\/127.0.0.1:8080\/status\/feed.atom<\/id>/);
  });

  void test('a resolved incident leaves the public page after 14 days; an update that is not resolved reopens one', async () => {
    const all = JSON.parse((await web.server.inject({ url: '/api/v1/incidents', headers: web.asViewer })).payload) as { incidents: ApiIncident[] };
    const checkout = all.incidents.find((i) => i.status === 'resolved');
    assert.ok(checkout);
    clock = Date.parse('2025-03-15T12:29:00.000Z');
    await post('/api/v1/incidents', { title: 'Cache refresh', message: 'Forces a rebuild of the cached page.', status: 'resolved' });
    assert.ok((await statusPage()).incidents.some((i) => i.id === checkout.id), '13 days 23 h 59 min after');
    clock = Date.parse('2025-03-15T12:31:00.000Z');
    const reopened = await post(`/api/v1/incidents/${all.incidents[0]?.id}/updates`, { status: 'monitoring', message: 'Still watching.' });
    assert.equal(reopened.statusCode, 201);
    const page = await statusPage();
    assert.ok(!page.incidents.some((i) => i.id === checkout.id), '14 days and 1 min after');
    assert.equal(page.incidents.find((i) => i.title === 'Mail delayed')?.status, 'monitoring');
    // Still listed for operators.
    const listed = JSON.parse((await web.server.inject({ url: '/api/v1/incidents', headers: web.asViewer })).payload) as { incidents: ApiIncident[] };
    assert.ok(listed.incidents.some((i) => i.id === checkout.id));

    // Reopening a resolved one clears its resolution.
    const again = await post(`/api/v1/incidents/${checkout.id}/updates`, { status: 'investigating', message: 'It is back.' });
    assert.equal((JSON.parse(again.payload) as { incident: ApiIncident }).incident.resolvedAt, null);
    assert.ok((await statusPage()).incidents.some((i) => i.id === checkout.id && i.resolvedAt === null));
  });

  void test('the groups an incident affects: kept as posted, changed by an update, and on the public page only those it shows', async () => {
    const opened = await post('/api/v1/incidents', { title: 'Web slow', message: 'Looking.', groups: ['web', 'db-internal'] });
    assert.equal(opened.statusCode, 201, opened.payload);
    const { id, groups } = (JSON.parse(opened.payload) as { incident: ApiIncident }).incident;
    assert.deepEqual(groups, ['web', 'db-internal']);
    let shown = (await statusPage()).incidents.find((i) => i.id === id);
    assert.deepEqual(shown?.groups, ['web'], 'a group the page does not show is not named on it');
    const html = (await web.server.inject({ url: '/status' })).payload;
    assert.ok(html.includes('<p class="affects">Affects: web</p>'));
    const feed = (await web.server.inject({ url: '/status/feed.atom' })).payload;
    assert.ok(feed.includes('<category term="group:web" label="web"/>') && !feed.includes('db-internal'), 'the feed names the shown group as a category');
    assert.ok(!html.includes('db-internal') && !(await web.server.inject({ url: '/api/v1/status' })).payload.includes('db-internal'));
    const updated = await post(`/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Found.', groups: [] });
    assert.deepEqual((JSON.parse(updated.payload) as { incident: ApiIncident }).incident.groups, []);
    shown = (await statusPage()).incidents.find((i) => i.id === id);
    assert.deepEqual(shown?.groups, []);
    const bad = await post('/api/v1/incidents', { title: 't', message: 'm', groups: ['a', 'a'] });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.payload, /contains a duplicate value/);
    await web.server.inject({ method: 'DELETE', url: `/api/v1/incidents/${id}`, headers: web.asAdmin });
  });

  void test('DELETE removes an incident posted by mistake, with its updates, from the page at once', async () => {
    const opened = await post('/api/v1/incidents', { title: 'Wrong page', message: 'Oops.' });
    const { id } = (JSON.parse(opened.payload) as { incident: ApiIncident }).incident;
    assert.ok((await statusPage()).incidents.some((i) => i.id === id));
    const res = await web.server.inject({ method: 'DELETE', url: `/api/v1/incidents/${id}`, headers: web.asAdmin });
    assert.equal(res.statusCode, 204);
    assert.ok(!(await statusPage()).incidents.some((i) => i.id === id));
    const updates = await web.testDb.db.selectFrom('status_incident_updates').select('id').where('incident_id', '=', id).execute();
    assert.deepEqual(updates, []);
    assert.equal((await web.server.inject({ method: 'DELETE', url: `/api/v1/incidents/${id}`, headers: web.asAdmin })).statusCode, 404);
  });

  void test('an incident written to the database by someone else (another web server, vigil incident) reaches the cached page within a second or so', async () => {
    const before = (await statusPage()).incidents.length;
    await openIncident(web.testDb.db, { title: 'Posted elsewhere', impact: 'minor', status: 'investigating', message: 'Through vigil incident.', by: 'cli', at: clock });
    // Read again once its stamp is older than a second: not at once, never 30 s late.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const page = await statusPage();
    assert.equal(page.incidents.length, before + 1);
    assert.ok(page.incidents.some((incident) => incident.title === 'Posted elsewhere'));
  });
});

