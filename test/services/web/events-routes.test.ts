import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Hapi from '@hapi/hapi';
import type { Server } from '@hapi/hapi';
import { sha256Hex } from '../../../lib/auth/secrets.ts';
import { SESSION_IDLE_MS } from '../../../lib/auth/session-policy.ts';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { ackAlert } from '../../../lib/db/queries/ack-alert.ts';
import { applyPollResults } from '../../../lib/db/queries/apply-poll-results.ts';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import { silentLogger } from '../../../lib/log.ts';
import { toApiAlert } from '../../../lib/web/api-alert.ts';
import type { LiveSamples } from '../../../lib/web/live-event.ts';
import { eventsRoutes } from '../../../services/web/routes/events-routes.ts';
import { createWebServer, type WebAuthOptions } from '../../../services/web/web-server.ts';
import { storedAlert } from '../../db/queries/alert-fixtures.ts';
import { openSse, type SseClient, type SseMessage } from '../../support/sse-client.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { testSuccess } from '../../support/test-samples.ts';
import { createTestUser, type TestUser } from '../../support/test-users.ts';
import { waitFor } from '../../support/wait-for.ts';

const T0 = Date.now() - 600_000;
const DOWN_AFTER = { downAfter: 3 };

const isEvent = (type: string) => (m: SseMessage) => m.type === type;
const sampled = (host: string) => (m: SseMessage) => m.type === 'samples' && (JSON.parse(m.data) as LiveSamples).hosts.some((h) => h.name === host);

interface RunningWeb {
  testDb: TestDatabase;
  server: Server;
  url: string;
  user: TestUser;
}

async function startWeb(kind: 'postgres' | 'pglite', auth: WebAuthOptions = {}): Promise<RunningWeb> {
  const testDb = await createTestDatabase(kind);
  await ensureSamplePartitions(testDb.db, T0);
  const user = await createTestUser(testDb.db, { role: 'viewer' });
  const server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, auth });
  await server.start();
  return { testDb, server, url: `http://127.0.0.1:${server.info.port}/api/v1/events`, user };
}

/** Opens a stream (as web.user unless told otherwise) and waits until the server says changes from now on will be streamed. */
async function openReady(web: RunningWeb, headers: Record<string, string> = web.user.headers): Promise<SseClient> {
  const client = await openSse(web.url, headers);
  assert.equal(client.status, 200);
  await client.next('the ready comment', (m) => m.type === 'comment' && m.data === 'ready');
  return client;
}

void describe('GET /api/v1/events, validation and login', () => {
  let web: RunningWeb;
  before(async () => {
    web = await startWeb('pglite');
  });
  after(async () => {
    await web?.server.stop();
    await web?.testDb.close();
  });

  void test('without a login: 401 with what to do', async () => {
    const res = await web.server.inject({ method: 'GET', url: '/api/v1/events' });
    assert.equal(res.statusCode, 401);
    assert.match((res.result as { message: string }).message, /log in first/);
  });

  void test('an unknown query parameter: 400 naming it', async () => {
    const res = await web.server.inject({ method: 'GET', url: '/api/v1/events?since=5', headers: web.user.headers });
    assert.equal(res.statusCode, 400);
    assert.match((res.result as { message: string }).message, /"since" is not allowed/);
  });
});

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`GET /api/v1/events on a started server, ${kind}`, () => {
    let web: RunningWeb;
    before(async () => {
      web = await startWeb(kind);
    });
    after(async () => {
      await web?.server.stop();
      await web?.testDb.close();
    });

    void test('streams stored samples, status changes and alerts to every open client', async (t) => {
      const first = await openReady(web);
      const second = await openReady(web);
      try {
        assert.match(String(first.headers['content-type']), /^text\/event-stream/);
        assert.match(String(first.headers['cache-control']), /no-cache/);
        assert.equal(first.headers['x-accel-buffering'], 'no');
        assert.match(first.messages.map((m) => m.data).join(' '), /^retry: |connected/);

        // Commit-to-arrival latency, measured and reported, not asserted (a shared, noisy machine).
        const latencies: number[] = [];
        for (let seq = 1; seq <= 8; seq++) {
          // Commits spread over the feed's 400 ms cycle: right after an event they would all land
          // at the same point of it and measure the worst case only.
          await new Promise((resolve) => setTimeout(resolve, (seq * 157) % 400));
          const from = first.messages.length;
          await applyPollResults(web.testDb.db, [testSuccess('web1', seq, T0 + seq * 1000)], DOWN_AFTER);
          const committedAt = Date.now();
          const event = await first.next(`sample ${seq}`, sampled('web1'), from);
          assert.deepEqual(JSON.parse(event.data), { hosts: [{ name: 'web1', ts: T0 + seq * 1000 }] });
          latencies.push(event.receivedAt - committedAt);
        }
        latencies.sort((a, b) => a - b);
        t.diagnostic(`${kind}: commit to SSE event, 8 samples: min ${latencies[0]} ms, median ${latencies[4]} ms, max ${latencies[7]} ms`);
        await second.next('the last sample on the second client', (m) => sampled('web1')(m) && (JSON.parse(m.data) as LiveSamples).hosts[0]?.ts === T0 + 8000);

        const failure = { kind: 'failure', host: 'web1', seq: 9, scheduledAt: T0 + 9000, startedAt: T0 + 9000, finishedAt: T0 + 9100, reason: 'timeout-exec', message: 'no answer in 10 s' } as const;
        const beforeFailure = first.messages.length;
        await applyPollResults(web.testDb.db, [failure], DOWN_AFTER);
        const host = await first.next('the host event', isEvent('host'), beforeFailure);
        assert.deepEqual(JSON.parse(host.data), { name: 'web1', status: 'up', statusReason: 'timeout-exec', statusMessage: 'no answer in 10 s' });

        const alert = storedAlert({ key: 'load|web1', host: 'web1', rule: 'load' });
        await saveAlert(web.testDb.db, alert);
        const fired = await second.next('the alert event', isEvent('alert'));
        assert.deepEqual(JSON.parse(fired.data), JSON.parse(JSON.stringify(toApiAlert(alert))));
        const from = first.messages.length;
        await ackAlert(web.testDb.db, alert.key, { by: 'ann', comment: '', at: alert.lastEventAt + 1 });
        const acked = await first.next('the acknowledgement', isEvent('alert'), from);
        assert.equal((JSON.parse(acked.data) as { ack: { by: string } }).ack.by, 'ann');
      } finally {
        first.close();
        second.close();
      }
    });

    void test('a browser asking for gzip gets each event through gzip without delay', async () => {
      const client = await openReady(web, { ...web.user.headers, 'accept-encoding': 'gzip' });
      try {
        assert.equal(client.headers['content-encoding'], 'gzip');
        await applyPollResults(web.testDb.db, [testSuccess('gz1', 1, T0 + 1000)], DOWN_AFTER);
        await client.next('a sample through gzip', sampled('gz1'));
      } finally {
        client.close();
      }
    });
  });
}

void describe('GET /api/v1/events and server.stop()', () => {
  void test('stopping the server ends the open streams instead of waiting for them', async () => {
    const web = await startWeb('pglite');
    try {
      const clients = [await openReady(web), await openReady(web)];
      // A long timeout: were the streams left open, stop() would wait it out and the test time out.
      await web.server.stop({ timeout: 170_000 });
      await waitFor('both streams ended cleanly', 10_000, () => (clients.every((c) => c.ended()) ? true : undefined));
    } finally {
      await web.server.stop();
      await web.testDb.close();
    }
  });
});

void describe('GET /api/v1/events ends when the login it was opened with ends', () => {
  let clock = Date.now();
  let web: RunningWeb;
  before(async () => {
    web = await startWeb('postgres', { now: () => clock });
  });
  after(async () => {
    await web?.server.stop();
    await web?.testDb.close();
  });

  const login = async (user: TestUser): Promise<{ cookie: string; csrfToken: string }> => {
    const res = await web.server.inject({ method: 'POST', url: '/api/v1/session', payload: { name: user.name, password: user.password } });
    assert.equal(res.statusCode, 200, res.payload);
    return { cookie: String(res.headers['set-cookie']).split(';')[0] ?? '', csrfToken: (JSON.parse(res.payload) as { csrfToken: string }).csrfToken };
  };
  /** A stream of one session, and what it takes for it to be ended by the server. */
  const ends = (client: SseClient, what: string): Promise<true> => waitFor(what, 15_000, () => (client.ended() ? true : undefined));
  /** Proves a stream still open gets events: a sample stored now arrives on it. */
  let seq = 1000;
  const stillStreams = async (client: SseClient, what: string): Promise<void> => {
    assert.equal(client.ended(), false, what);
    seq++;
    const from = client.messages.length;
    await applyPollResults(web.testDb.db, [testSuccess('keep1', seq, T0 + seq * 1000)], DOWN_AFTER);
    await client.next(`${what}: a sample`, sampled('keep1'), from);
  };

  void test('a logout ends that session\'s stream within seconds; another session of the same user keeps streaming', async () => {
    const [gone, kept] = [await login(web.user), await login(web.user)];
    const goneStream = await openReady(web, { cookie: gone.cookie });
    const keptStream = await openReady(web, { cookie: kept.cookie });
    try {
      const out = await web.server.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: gone.cookie, 'x-csrf-token': gone.csrfToken } });
      assert.equal(out.statusCode, 204);
      await ends(goneStream, 'the logged-out stream to end');
      assert.ok(goneStream.messages.some((m) => m.type === 'comment' && m.data === 'login ended'), 'it says why');
      await stillStreams(keptStream, 'the other session');
      // Reconnecting with the ended session is refused, so the browser shows the login form.
      const again = await openSse(web.url, { cookie: gone.cookie });
      assert.equal(again.status, 401);
      again.close();
    } finally {
      goneStream.close();
      keptStream.close();
    }
  });

  void test('a session that expires (idle 12 hours) or is deleted stops streaming', async () => {
    clock = Date.now();
    const [idle, deleted, fresh] = [await login(web.user), await login(web.user), await login(web.user)];
    const idleStream = await openReady(web, { cookie: idle.cookie });
    const deletedStream = await openReady(web, { cookie: deleted.cookie });
    try {
      await web.testDb.db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(deleted.cookie.split('=')[1] ?? '')).execute();
      await ends(deletedStream, 'the deleted session\'s stream to end');
      assert.equal(idleStream.ended(), false, 'the idle session is still within its 12 hours');
      // Twelve hours on; the fresh session is used meanwhile, the idle one is not.
      clock += SESSION_IDLE_MS - 60_000;
      assert.equal((await web.server.inject({ url: '/api/v1/session', headers: { cookie: fresh.cookie } })).statusCode, 200);
      const freshStream = await openReady(web, { cookie: fresh.cookie });
      try {
        clock += 120_000;
        await ends(idleStream, 'the idle session\'s stream to end');
        await stillStreams(freshStream, 'the session in use');
      } finally {
        freshStream.close();
      }
    } finally {
      clock = Date.now();
      idleStream.close();
      deletedStream.close();
    }
  });

  void test('a changed password ends the user\'s other streams, not the changing session\'s; a revoked token\'s stream ends', async () => {
    const user = await createTestUser(web.testDb.db, { role: 'viewer' });
    const [changer, other] = [await login(user), await login(user)];
    const changerStream = await openReady(web, { cookie: changer.cookie });
    const otherStream = await openReady(web, { cookie: other.cookie });
    const tokenStream = await openReady(web, user.headers);
    try {
      const res = await web.server.inject({
        method: 'POST',
        url: '/api/v1/session/password',
        payload: { currentPassword: user.password, newPassword: 'another-password' },
        headers: { cookie: changer.cookie, 'x-csrf-token': changer.csrfToken },
      });
      assert.equal(res.statusCode, 200, res.payload);
      await ends(otherStream, 'the other session\'s stream to end');
      await stillStreams(changerStream, 'the session that changed the password');
      await stillStreams(tokenStream, 'a token of the user (tokens outlive a password change)');

      await web.testDb.db.deleteFrom('api_tokens').where('user_name', '=', user.name).execute();
      await ends(tokenStream, 'the revoked token\'s stream to end');
    } finally {
      changerStream.close();
      otherStream.close();
      tokenStream.close();
    }
  });
});

void describe('eventsRoutes heartbeat', () => {
  void test('a quiet stream gets a comment every heartbeat', async () => {
    const testDb = await createTestDatabase('pglite');
    const server = Hapi.server({ host: '127.0.0.1', port: 0 });
    await server.register({ plugin: eventsRoutes, options: { db: testDb.db, log: silentLogger, heartbeatMs: 100 } });
    await server.start();
    try {
      const client = await openSse(`http://127.0.0.1:${server.info.port}/api/v1/events`);
      const keepalives = (): number => client.messages.filter((m) => m.type === 'comment' && m.data === 'keepalive').length;
      await client.next('three keepalives', () => keepalives() >= 3);
      client.close();
    } finally {
      await server.stop();
      await testDb.close();
    }
  });
});
