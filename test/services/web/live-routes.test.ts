import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTestWebServer } from '../../support/test-web-server.ts';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const MIN = 60_000;

void describe('live polling routes', () => {
  const web = useTestWebServer({ now: () => NOW });

  const addHosts = async (names: string[]): Promise<void> => {
    await web.testDb.db
      .insertInto('hosts')
      .values(names.map((name) => ({ name, address: name, connection: 'ssh', groups: '[]', interval_sec: 10 })))
      .execute();
  };
  const live = (method: 'GET' | 'POST' | 'DELETE', host: string, payload?: unknown, headers = web.asViewer) =>
    web.server.inject({ method, url: `/api/v1/hosts/${encodeURIComponent(host)}/live`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const message = (res: { result: unknown }): string => (res.result as { message: string }).message;

  void test('any logged-in user starts, reads and ends live polling; the defaults are 5 minutes at 1 s', async () => {
    await addHosts(['web 1']);
    const started = await live('POST', 'web 1');
    assert.equal(started.statusCode, 200, started.payload);
    assert.deepEqual(started.result, { host: 'web 1', until: new Date(NOW + 5 * MIN).toISOString(), intervalSec: 1, requestedBy: 'test-viewer' });
    assert.deepEqual((await live('GET', 'web 1')).result, started.result);

    const longer = await live('POST', 'web 1', { minutes: 15, intervalSec: 5 }, web.asAdmin);
    assert.deepEqual(longer.result, { host: 'web 1', until: new Date(NOW + 15 * MIN).toISOString(), intervalSec: 5, requestedBy: 'test-admin' });

    const ended = await live('DELETE', 'web 1');
    assert.equal(ended.statusCode, 200);
    assert.deepEqual(ended.result, { host: 'web 1', until: null, intervalSec: null, requestedBy: null });
    assert.deepEqual((await live('GET', 'web 1')).result, ended.result);
  });

  void test('an unknown host: 404 naming it, for every method', async () => {
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const res = await live(method, 'nope');
      assert.equal(res.statusCode, 404, method);
      assert.deepEqual(res.result, { statusCode: 404, error: 'Not Found', message: 'no host named "nope"' });
    }
  });

  void test('bad input: 400 saying what was wrong', async () => {
    await addHosts(['bad1']);
    const cases: Array<[unknown, RegExp]> = [
      [{ minutes: 0 }, /"minutes" must be greater than or equal to 1/],
      [{ minutes: 16 }, /"minutes" must be less than or equal to 15/],
      [{ minutes: 2.5 }, /"minutes" must be an integer/],
      [{ intervalSec: 6 }, /"intervalSec" must be less than or equal to 5/],
      [{ intervalSec: 'fast' }, /"intervalSec" must be a number/],
      [{ until: '2030-01-01' }, /"until" is not allowed/],
    ];
    for (const [payload, expected] of cases) {
      const res = await live('POST', 'bad1', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.match(message(res), expected);
      assert.equal((res.result as { error: string }).error, 'Bad Request');
    }
    const longName = await live('GET', 'x'.repeat(256));
    assert.equal(longName.statusCode, 400);
    assert.match(message(longName), /"name" length must be less than or equal to 255/);
  });

  void test('without a login: 401', async () => {
    const res = await web.server.inject({ method: 'POST', url: '/api/v1/hosts/bad1/live' });
    assert.equal(res.statusCode, 401);
  });

  void test('the 21st host at once: 429 with Retry-After, until one ends', async () => {
    const names = Array.from({ length: 21 }, (_, i) => `cap${String(i).padStart(2, '0')}`);
    await addHosts(names);
    for (const [i, name] of names.slice(0, 20).entries()) {
      const res = await live('POST', name, { minutes: i === 0 ? 1 : 10 });
      assert.equal(res.statusCode, 200, `${name}: ${res.payload}`);
    }
    const refused = await live('POST', 'cap20');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], '60');
    assert.deepEqual(Object.keys(refused.result as object).sort(), ['error', 'message', 'statusCode']);
    assert.match(message(refused), /^at most 20 hosts can be polled live at once and 20 already are; the first of them ends in 60 s/);
    // A running one may still be extended.
    assert.equal((await live('POST', 'cap05', { minutes: 12 })).statusCode, 200);
    assert.equal((await live('DELETE', 'cap00')).statusCode, 200);
    assert.equal((await live('POST', 'cap20')).statusCode, 200);
  });
});
