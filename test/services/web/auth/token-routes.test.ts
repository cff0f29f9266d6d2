import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sha256Hex } from '../../../../lib/auth/secrets.ts';
import { useTestWebServer } from '../../../support/test-web-server.ts';

interface ApiToken {
  id: number;
  name: string;
  user: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

void describe('token routes', () => {
  const web = useTestWebServer();
  const call = (method: string, url: string, payload?: unknown) =>
    web.server.inject({ method, url, headers: web.asAdmin, ...(payload === undefined ? {} : { payload: payload as object }) });

  void test('create: the token is in the answer once; the database keeps only its sha256; it works as its user', async () => {
    const before = Date.now();
    const res = await call('POST', '/api/v1/tokens', { name: 'prometheus', user: 'test-viewer', expiresInDays: 30 });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['cache-control'], 'no-store');
    const created = JSON.parse(res.payload) as ApiToken & { token: string };
    assert.match(created.token, /^vigil_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.user, 'test-viewer');
    assert.equal(created.name, 'prometheus');
    const expires = Date.parse(created.expiresAt ?? '');
    assert.ok(expires >= before + 30 * 86_400_000 && expires <= Date.now() + 30 * 86_400_000);

    const row = await web.testDb.db.selectFrom('api_tokens').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.equal(row.token_hash, sha256Hex(created.token));
    const listed = await call('GET', '/api/v1/tokens');
    assert.ok(!listed.payload.includes(created.token));
    assert.ok((JSON.parse(listed.payload) as { tokens: ApiToken[] }).tokens.some((t) => t.id === created.id && t.lastUsedAt === null));

    const me = await web.server.inject({ url: '/api/v1/session', headers: { authorization: `Bearer ${created.token}` } });
    assert.equal((JSON.parse(me.payload) as { user: { name: string } }).user.name, 'test-viewer');
  });

  void test('without "user" the token belongs to whoever created it, and never expires unless told', async () => {
    const created = JSON.parse((await call('POST', '/api/v1/tokens', { name: 'mine' })).payload) as ApiToken;
    assert.equal(created.user, 'test-admin');
    assert.equal(created.expiresAt, null);
  });

  void test('list can be narrowed to one user', async () => {
    const { tokens } = JSON.parse((await call('GET', '/api/v1/tokens?user=test-viewer')).payload) as { tokens: ApiToken[] };
    assert.ok(tokens.length >= 2);
    assert.ok(tokens.every((t) => t.user === 'test-viewer'));
  });

  void test('revoke: 204 and the token stops working at once; 404 for an unknown id', async () => {
    const created = JSON.parse((await call('POST', '/api/v1/tokens', { name: 'short' })).payload) as ApiToken & { token: string };
    const use = () => web.server.inject({ url: '/api/v1/hosts', headers: { authorization: `Bearer ${created.token}` } });
    assert.equal((await use()).statusCode, 200);
    assert.equal((await call('DELETE', `/api/v1/tokens/${created.id}`)).statusCode, 204);
    assert.equal((await use()).statusCode, 401);
    const again = await call('DELETE', `/api/v1/tokens/${created.id}`);
    assert.equal(again.statusCode, 404);
    assert.match((JSON.parse(again.payload) as { message: string }).message, new RegExp(`no API token with id ${created.id}`));
  });

  void test('bad input is a 400 that says what is wrong; an unknown owner is a 404', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /"name" is required/],
      [{ name: 'x', expiresInDays: 0 }, /"expiresInDays" must be greater than or equal to 1/],
      [{ name: 'x', expiresInDays: 1.5 }, /"expiresInDays" must be an integer/],
      [{ name: 'x', user: 'bad name' }, /"user" must be a user name/],
      [{ name: 'x', scope: 'admin' }, /"scope" is not allowed/],
    ];
    for (const [payload, pattern] of cases) {
      const res = await call('POST', '/api/v1/tokens', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.match((JSON.parse(res.payload) as { message: string }).message, pattern);
    }
    const unknown = await call('POST', '/api/v1/tokens', { name: 'x', user: 'nobody' });
    assert.equal(unknown.statusCode, 404);
    assert.equal((await call('DELETE', '/api/v1/tokens/abc')).statusCode, 400);
  });
});
