import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { selectPasswordHash } from '../../../../lib/db/queries/user-accounts.ts';
import { useTestWebServer } from '../../../support/test-web-server.ts';

interface ApiUser {
  name: string;
  role: string;
  createdAt: string;
  updatedAt: string;
}

void describe('user routes', () => {
  const web = useTestWebServer();
  const call = (method: string, url: string, payload?: unknown) =>
    web.server.inject({ method, url, headers: web.asAdmin, ...(payload === undefined ? {} : { payload: payload as object }) });
  const message = (payload: string): string => (JSON.parse(payload) as { message: string }).message;
  const loginStatus = async (name: string, password: string): Promise<number> =>
    (await web.server.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password }, remoteAddress: `192.0.2.${Math.floor(Math.random() * 250) + 1}` })).statusCode;

  void test('an admin lists users without any password hash', async () => {
    const res = await call('GET', '/api/v1/users');
    assert.equal(res.statusCode, 200);
    const { users } = JSON.parse(res.payload) as { users: ApiUser[] };
    assert.deepEqual(users.map((u) => [u.name, u.role]), [['test-admin', 'admin'], ['test-viewer', 'viewer']]);
    assert.doesNotMatch(res.payload, /scrypt|password/);
  });

  void test('create: 201 with the user; the password works at once; a taken name is 409', async () => {
    const res = await call('POST', '/api/v1/users', { name: 'carol', role: 'viewer', password: 'carols-password' });
    assert.equal(res.statusCode, 201);
    assert.equal((JSON.parse(res.payload) as { user: ApiUser }).user.name, 'carol');
    assert.equal(await loginStatus('carol', 'carols-password'), 200);
    const again = await call('POST', '/api/v1/users', { name: 'carol', role: 'admin', password: 'another-password' });
    assert.equal(again.statusCode, 409);
    assert.match(message(again.payload), /a user named "carol" already exists/);
  });

  void test('create: bad names, roles and passwords are 400s that say what is wrong', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'dave', role: 'viewer', password: 'short' }, /"password" length must be at least 8/],
      [{ name: 'dave', role: 'root', password: 'long-enough' }, /"role" must be one of \[viewer, admin\]/],
      [{ name: '<script>', role: 'viewer', password: 'long-enough' }, /"name" must have 1 to 64 letters/],
      [{ name: 'dave', password: 'long-enough' }, /"role" is required/],
      [{ name: 'dave', role: 'viewer' }, /"password" is required/],
    ];
    for (const [payload, pattern] of cases) {
      const res = await call('POST', '/api/v1/users', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.match(message(res.payload), pattern);
    }
  });

  void test('change role and password; a new password ends the user\'s sessions', async () => {
    const session = await web.server.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'carol', password: 'carols-password' } });
    const cookie = String(session.headers['set-cookie']).split(';')[0] ?? '';
    const hashBefore = (await selectPasswordHash(web.testDb.db, 'carol'))?.passwordHash;
    const promoted = await call('PATCH', '/api/v1/users/carol', { role: 'admin' });
    assert.equal(promoted.statusCode, 200);
    assert.equal((JSON.parse(promoted.payload) as { user: ApiUser }).user.role, 'admin');
    assert.equal((await web.server.inject({ url: '/api/v1/session', headers: { cookie } })).statusCode, 200, 'a role change keeps sessions');
    assert.equal((await selectPasswordHash(web.testDb.db, 'carol'))?.passwordHash, hashBefore);

    assert.equal((await call('PATCH', '/api/v1/users/carol', { password: 'carols-new-password' })).statusCode, 200);
    assert.equal((await web.server.inject({ url: '/api/v1/session', headers: { cookie } })).statusCode, 401, 'the old session ended');
    assert.equal(await loginStatus('carol', 'carols-password'), 401);
    assert.equal(await loginStatus('carol', 'carols-new-password'), 200);
  });

  void test('changing one\'s own password keeps the session that did it', async () => {
    const session = await web.server.inject({ method: 'POST', url: '/api/v1/session', payload: { name: 'carol', password: 'carols-new-password' } });
    const cookie = String(session.headers['set-cookie']).split(';')[0] ?? '';
    const { csrfToken } = JSON.parse(session.payload) as { csrfToken: string };
    const res = await web.server.inject({ method: 'PATCH', url: '/api/v1/users/carol', payload: { password: 'carols-third-password' }, headers: { cookie, 'x-csrf-token': csrfToken } });
    assert.equal(res.statusCode, 200, res.payload);
    assert.equal((await web.server.inject({ url: '/api/v1/session', headers: { cookie } })).statusCode, 200);
  });

  void test('PATCH: 404 for an unknown user, 400 without a change, 409 for demoting the last admin', async () => {
    assert.equal((await call('PATCH', '/api/v1/users/nobody', { role: 'viewer' })).statusCode, 404);
    const empty = await call('PATCH', '/api/v1/users/carol', {});
    assert.equal(empty.statusCode, 400);
    assert.match(message(empty.payload), /give "role", "password" or both/);
    assert.equal((await call('PATCH', '/api/v1/users/carol', { role: 'viewer' })).statusCode, 200);
    const last = await call('PATCH', '/api/v1/users/test-admin', { role: 'viewer' });
    assert.equal(last.statusCode, 409);
    assert.match(message(last.payload), /"test-admin" is the last admin/);
  });

  void test('DELETE: 204, then the user\'s tokens and sessions are gone; 404 when unknown; the last admin stays', async () => {
    await call('POST', '/api/v1/users', { name: 'erin', role: 'viewer', password: 'erins-password' });
    const token = JSON.parse((await call('POST', '/api/v1/tokens', { name: 'erin-script', user: 'erin' })).payload) as { token: string };
    assert.equal((await web.server.inject({ url: '/api/v1/hosts', headers: { authorization: `Bearer ${token.token}` } })).statusCode, 200);
    assert.equal((await call('DELETE', '/api/v1/users/erin')).statusCode, 204);
    assert.equal((await web.server.inject({ url: '/api/v1/hosts', headers: { authorization: `Bearer ${token.token}` } })).statusCode, 401);
    assert.equal((await call('DELETE', '/api/v1/users/erin')).statusCode, 404);
    assert.equal((await call('DELETE', '/api/v1/users/test-admin')).statusCode, 409);
  });
});
