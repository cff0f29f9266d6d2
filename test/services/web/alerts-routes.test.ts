import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { enqueueNotification } from '../../../lib/db/queries/enqueue-notification.ts';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import type { StoredAlert } from '../../../lib/db/queries/stored-alert.ts';
import { silentLogger } from '../../../lib/log.ts';
import { createWebServer } from '../../../services/web/web-server.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { createTestUser, type TestUser } from '../../support/test-users.ts';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const KEY = 'disk-full|db-1|mount=/data';

function alert(over: Partial<StoredAlert>): StoredAlert {
  return {
    key: KEY, rule: 'disk-full', host: 'db-1', labels: { mount: '/data' }, severity: 'critical', state: 'firing',
    summary: '/data 97 % full', value: 97, threshold: 95, receivers: [], startsAt: NOW - 600_000, endsAt: null,
    lastEventAt: NOW - 1000, lastNotifiedAt: NOW - 500, notifiedFiring: true, ackedBy: null, ackedAt: null,
    ackedComment: null, flapping: false, stateChanges: [], heldBackBy: null, escalatedSteps: 0, ...over,
  };
}

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

void describe('alerts routes', () => {
  let testDb: TestDatabase;
  let server: Server;
  let alice: TestUser;
  let viewer: TestUser;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    await saveAlert(testDb.db, alert({ heldBackBy: 'inhibited by host_down|db-1', escalatedSteps: 2 }));
    await saveAlert(testDb.db, alert({ key: 'cpu-high|web-1', rule: 'cpu-high', host: 'web-1', labels: {}, state: 'resolved', endsAt: NOW - 100 }));
    server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, now: () => NOW });
    alice = await createTestUser(testDb.db, { name: 'alice', role: 'admin' });
    viewer = await createTestUser(testDb.db, { name: 'victor', role: 'viewer' });
  });

  after(async () => {
    await server?.stop();
    await testDb?.close();
  });

  const post = (url: string, payload: unknown, as: TestUser = alice) => server.inject({ method: 'POST', url, payload: payload as object, headers: as.headers });
  const get = (url: string) => server.inject({ method: 'GET', url, headers: viewer.headers });

  void test('GET /api/v1/alerts lists the active alerts only', async () => {
    const res = await get('/api/v1/alerts');
    assert.equal(res.statusCode, 200);
    const { alerts } = JSON.parse(res.payload) as { alerts: Array<{ key: string; startsAt: string; ack: unknown; labels: Record<string, string>; heldBackBy: string | null }> };
    assert.deepEqual(alerts.map((a) => a.key), [KEY]);
    assert.equal(alerts[0]?.heldBackBy, 'inhibited by host_down|db-1', 'why no notice goes out');
    assert.equal((alerts[0] as { escalatedSteps?: number } | undefined)?.escalatedSteps, 2);
    assert.equal(alerts[0]?.startsAt, new Date(NOW - 600_000).toISOString());
    assert.deepEqual(alerts[0]?.labels, { mount: '/data' });
    assert.equal(alerts[0]?.ack, null);
  });

  void test('acknowledging keeps who (the logged-in admin, whatever "by" says), when and why, in the alert and in its history', async () => {
    const res = await post(`/api/v1/alerts/${encodeURIComponent(KEY)}/ack`, { by: 'mallory', comment: 'resizing the volume' });
    assert.equal(res.statusCode, 200);
    const { alert: acked } = JSON.parse(res.payload) as { alert: { ack: { by: string; at: string; comment: string } } };
    assert.deepEqual(acked.ack, { by: 'alice', at: new Date(NOW).toISOString(), comment: 'resizing the volume' });

    const history = await get(`/api/v1/alerts?state=history&key=${encodeURIComponent(KEY)}`);
    assert.equal(history.statusCode, 200);
    const items = (JSON.parse(history.payload) as { history: Array<{ event: string; actor: string; comment: string; at: string; host: string }> }).history;
    assert.deepEqual(items.map((i) => [i.event, i.actor, i.comment, i.at, i.host]), [['acked', 'alice', 'resizing the volume', new Date(NOW).toISOString(), 'db-1']]);
  });

  void test('ack: 404 for an unknown alert, 409 for a resolved one, 400 for an unknown field', async () => {
    const missing = await post('/api/v1/alerts/nope/ack', {});
    assert.equal(missing.statusCode, 404);
    assert.match((JSON.parse(missing.payload) as ErrorBody).message, /nope/);
    const resolved = await post(`/api/v1/alerts/${encodeURIComponent('cpu-high|web-1')}/ack`, { by: 'alice' });
    assert.equal(resolved.statusCode, 409);
    const unknown = await post(`/api/v1/alerts/${encodeURIComponent(KEY)}/ack`, { actor: 'x' });
    assert.equal(unknown.statusCode, 400);
    assert.match((JSON.parse(unknown.payload) as ErrorBody).message, /"actor" is not allowed/);
  });

  void test('a viewer may read alerts and silences but neither acknowledge, silence nor expire: 403', async () => {
    assert.equal((await get('/api/v1/alerts')).statusCode, 200);
    assert.equal((await get('/api/v1/silences')).statusCode, 200);
    const attempts = [
      await post(`/api/v1/alerts/${encodeURIComponent(KEY)}/ack`, { comment: 'x' }, viewer),
      await post('/api/v1/silences', { host: 'db-1', duration: '1h', comment: 'x' }, viewer),
      await post('/api/v1/silences/1/expire', {}, viewer),
    ];
    for (const res of attempts) {
      assert.equal(res.statusCode, 403, res.payload);
      assert.match((JSON.parse(res.payload) as ErrorBody).message, /admin role/);
    }
  });

  void test('silences: created with a duration or an end, listed, expired', async () => {
    const created = await post('/api/v1/silences', { group: 'edge', duration: '2h', comment: 'switch swap', createdBy: 'bob' });
    assert.equal(created.statusCode, 201);
    const { silence } = JSON.parse(created.payload) as { silence: { id: number; group: string; startsAt: string; endsAt: string; active: boolean; createdBy: string } };
    assert.equal(silence.group, 'edge');
    assert.equal(silence.createdBy, 'alice', 'the logged-in user, not the payload\'s createdBy');
    assert.equal(silence.startsAt, new Date(NOW).toISOString());
    assert.equal(silence.endsAt, new Date(NOW + 7_200_000).toISOString());
    assert.equal(silence.active, true);

    const byEnd = await post('/api/v1/silences', { host: 'web-1', rule: 'cpu-high', endsAt: new Date(NOW + 60_000).toISOString(), comment: 'deploy' });
    assert.equal(byEnd.statusCode, 201);

    const expired = await post(`/api/v1/silences/${silence.id}/expire`, {});
    assert.equal(expired.statusCode, 200);
    assert.equal((JSON.parse(expired.payload) as { silence: { active: boolean; expiredAt: string } }).silence.expiredAt, new Date(NOW).toISOString());

    const active = JSON.parse((await get('/api/v1/silences?state=active')).payload) as { silences: Array<{ host: string; rule: string }> };
    assert.deepEqual(active.silences.map((s) => [s.host, s.rule]), [['web-1', 'cpu-high']]);
    const all = JSON.parse((await get('/api/v1/silences')).payload) as { silences: unknown[] };
    assert.equal(all.silences.length, 2);
  });

  void test('silences: every bad input is a 400 that says what is wrong; an unknown id is a 404', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ duration: '2h', comment: 'x', createdBy: 'bob' }, /at least one of "host", "group" and "rule"/],
      [{ host: 'a', comment: 'x', createdBy: 'bob' }, /"endsAt" or "duration"/],
      [{ host: 'a', duration: '2h', endsAt: NOW + 1000, comment: 'x', createdBy: 'bob' }, /either "endsAt" or "duration"/],
      [{ host: 'a', duration: 'soon', comment: 'x', createdBy: 'bob' }, /"duration" must be a duration/],
      [{ host: 'a', duration: '2h', createdBy: 'bob' }, /"comment" is required/],
      [{ host: 'a', duration: '2h', comment: 'x', createdBy: '' }, /"createdBy" is not allowed to be empty/],
      [{ host: 'a', endsAt: NOW - 1000, comment: 'x', createdBy: 'bob' }, /"endsAt" must be/],
      [{ host: 'a', endsAt: 'tomorrow', comment: 'x', createdBy: 'bob' }, /"endsAt" must be an ISO 8601 date/],
      [{ host: 'a', duration: '400d', comment: 'x', createdBy: 'bob' }, /366 days/],
      [{ host: 'a', duration: '2h', comment: 'x', createdBy: 'bob', matchers: {} }, /"matchers" is not allowed/],
    ];
    for (const [payload, message] of cases) {
      const res = await post('/api/v1/silences', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      const body = JSON.parse(res.payload) as ErrorBody;
      assert.equal(body.error, 'Bad Request');
      assert.match(body.message, message, JSON.stringify(payload));
    }
    assert.equal((await post('/api/v1/silences/999999/expire', {})).statusCode, 404);
    assert.equal((await post('/api/v1/silences/abc/expire', {})).statusCode, 400);
  });

  void test('history pages: "before" gives the entries older than the last one shown', async () => {
    for (const comment of ['one', 'two', 'three']) await post(`/api/v1/alerts/${encodeURIComponent(KEY)}/ack`, { comment });
    const page = async (query: string) =>
      (JSON.parse((await get(`/api/v1/alerts?state=history&limit=2${query}`)).payload) as { history: Array<{ id: number; comment: string }> }).history;
    const first = await page('');
    assert.deepEqual(first.map((i) => i.comment), ['three', 'two']);
    const second = await page(`&before=${first.at(-1)!.id}`);
    assert.equal(second[0]?.comment, 'one');
    assert.ok(second.every((i) => i.id < first.at(-1)!.id));
    const bad = await get('/api/v1/alerts?state=history&before=0');
    assert.equal(bad.statusCode, 400);
    assert.match((JSON.parse(bad.payload) as ErrorBody).message, /"before" must be greater than or equal to 1/);
  });

  void test('GET /api/v1/notifications shows attempts and errors, and never a webhook URL\'s secret path, key, token or headers', async () => {
    const snapshot = { key: KEY, rule: 'disk-full', host: 'db-1', labels: {}, severity: 'critical' as const, status: 'firing' as const, summary: '', value: null, threshold: null, startsAt: NOW, endsAt: null };
    const targets = [
      { url: 'https://hooks.slack.test/services/T000/B000/SECRET', format: 'slack' },
      { url: 'https://api.opsgenie.test/v2/alerts', format: 'opsgenie', apiKey: 'SECRET-GENIE-KEY', headers: { 'X-Api-Key': 'SECRET-HEADER' } },
      { url: 'https://webexapis.test/v1/messages', format: 'webex', token: 'SECRET-BOT-TOKEN', roomId: 'SECRET-ROOM' },
      { url: 'https://events.pagerduty.test/v2/enqueue', format: 'pagerduty', routingKey: 'SECRET-ROUTING-KEY' },
    ];
    for (const target of targets) await enqueueNotification(testDb.db, { receiver: 'ops', channel: 'webhook', target, kind: 'firing', alert: snapshot, now: NOW, groupWaitMs: 0, groupIntervalMs: 0 });
    const res = await get('/api/v1/notifications');
    assert.equal(res.statusCode, 200);
    assert.ok(!res.payload.includes('SECRET'), res.payload);
    const { notifications } = JSON.parse(res.payload) as { notifications: Array<{ target: { url: string; format: string }; status: string; attempts: number }> };
    assert.deepEqual(notifications.map((n) => [n.target, n.status, n.attempts]).reverse(), [
      [{ url: 'https://hooks.slack.test/…', format: 'slack' }, 'pending', 0],
      [{ url: 'https://api.opsgenie.test/…', format: 'opsgenie' }, 'pending', 0],
      [{ url: 'https://webexapis.test/…', format: 'webex' }, 'pending', 0],
      [{ url: 'https://events.pagerduty.test/…', format: 'pagerduty' }, 'pending', 0],
    ]);
    assert.equal((await get('/api/v1/notifications?status=lost')).statusCode, 400);
  });
});
