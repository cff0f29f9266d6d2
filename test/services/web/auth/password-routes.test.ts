import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LoginLimiter } from '../../../../lib/auth/login-limiter.ts';
import { CSRF_MESSAGE } from '../../../../services/web/auth/auth-plugin.ts';
import { WRONG_CURRENT_PASSWORD_MESSAGE } from '../../../../services/web/auth/password-routes.ts';
import { useTestWebServer } from '../../../support/test-web-server.ts';
import { createTestUser, type TestUser } from '../../../support/test-users.ts';

interface Login {
  cookie: string;
  csrfToken: string;
}

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

const WINDOW = 15 * 60_000;

void describe('POST /api/v1/session/password', () => {
  let clock = Date.now();
  const limiter = new LoginLimiter({ perNameAndIp: 3, perIp: 50, windowMs: WINDOW }, () => clock);
  const web = useTestWebServer({ auth: { loginLimiter: limiter } });

  const login = async (user: { name: string; password: string }, remoteAddress = '198.51.100.1'): Promise<Login> => {
    const res = await web.server.inject({ method: 'POST', url: '/api/v1/session', payload: { name: user.name, password: user.password }, remoteAddress });
    assert.equal(res.statusCode, 200, res.payload);
    return { cookie: String(res.headers['set-cookie']).split(';')[0] ?? '', csrfToken: (JSON.parse(res.payload) as { csrfToken: string }).csrfToken };
  };
  const change = (as: Login | { authorization: string }, payload: object, remoteAddress = '198.51.100.1') =>
    web.server.inject({
      method: 'POST',
      url: '/api/v1/session/password',
      payload,
      remoteAddress,
      headers: 'cookie' in as ? { cookie: as.cookie, 'x-csrf-token': as.csrfToken } : as,
    });
  const sessionStatus = async (as: Login): Promise<number> => (await web.server.inject({ url: '/api/v1/session', headers: { cookie: as.cookie } })).statusCode;

  void test('changes the password; the user\'s other sessions end, this one and other users\' stay', async () => {
    const user = await createTestUser(web.testDb.db, { role: 'viewer' });
    const other = await createTestUser(web.testDb.db, { role: 'viewer' });
    const here = await login(user);
    const elsewhere = await login(user, '198.51.100.2');
    const someoneElse = await login(other);

    const res = await change(here, { currentPassword: user.password, newPassword: 'a brand new secret' });
    assert.equal(res.statusCode, 200, res.payload);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.deepEqual(JSON.parse(res.payload), { user: { name: user.name, role: 'viewer' }, endedSessions: 1 });

    assert.equal(await sessionStatus(here), 200, 'the session that changed it stays');
    assert.equal(await sessionStatus(elsewhere), 401, 'the other session ended');
    assert.equal(await sessionStatus(someoneElse), 200, 'another user is untouched');
    const oldPassword = await web.server.inject({ method: 'POST', url: '/api/v1/session', payload: { name: user.name, password: user.password }, remoteAddress: '198.51.100.3' });
    assert.equal(oldPassword.statusCode, 401);
    await login({ name: user.name, password: 'a brand new secret' }, '198.51.100.3');
    // The user's API token is a separate credential and stays.
    assert.equal((await web.server.inject({ url: '/api/v1/session', headers: user.headers })).statusCode, 200);
  });

  void test('a wrong current password is 403 and changes nothing; failures count with the login\'s, then 429 with Retry-After', async () => {
    clock = Date.now();
    const user = await createTestUser(web.testDb.db, { role: 'admin' });
    const ip = '203.0.113.40';
    const session = await login(user, ip);
    for (let i = 0; i < 3; i++) {
      const res = await change(session, { currentPassword: `guess-${i}`, newPassword: 'whatever-it-is' }, ip);
      assert.equal(res.statusCode, 403, res.payload);
      assert.deepEqual(JSON.parse(res.payload), { statusCode: 403, error: 'Forbidden', message: WRONG_CURRENT_PASSWORD_MESSAGE });
    }
    assert.equal(await sessionStatus(session), 200, 'a wrong guess does not log the user out');

    const blocked = await change(session, { currentPassword: user.password, newPassword: 'whatever-it-is' }, ip);
    assert.equal(blocked.statusCode, 429, blocked.payload);
    assert.equal(blocked.headers['retry-after'], String(WINDOW / 1000));
    assert.match((JSON.parse(blocked.payload) as ErrorBody).message, /try again in 900 s/);
    // One limiter for both: the login form from that address is blocked for that name too.
    const loginBlocked = await web.server.inject({ method: 'POST', url: '/api/v1/session', payload: { name: user.name, password: user.password }, remoteAddress: ip });
    assert.equal(loginBlocked.statusCode, 429);

    clock += WINDOW;
    const res = await change(session, { currentPassword: user.password, newPassword: 'whatever-it-is' }, ip);
    assert.equal(res.statusCode, 200, res.payload);
    clock = Date.now();
  });

  void test('an API token may change its user\'s password (no CSRF); every browser session of the user ends', async () => {
    const user = await createTestUser(web.testDb.db, { role: 'viewer' });
    const session = await login(user);
    const res = await change(user.headers, { currentPassword: user.password, newPassword: 'changed-by-a-script' });
    assert.equal(res.statusCode, 200, res.payload);
    assert.equal((JSON.parse(res.payload) as { endedSessions: number }).endedSessions, 1);
    assert.equal(await sessionStatus(session), 401);
  });

  void test('a cookie login without the CSRF token is refused', async () => {
    const user = await createTestUser(web.testDb.db, { role: 'viewer' });
    const session = await login(user);
    const res = await web.server.inject({ method: 'POST', url: '/api/v1/session/password', payload: { currentPassword: user.password, newPassword: 'never-set-here' }, headers: { cookie: session.cookie } });
    assert.equal(res.statusCode, 403);
    assert.equal((JSON.parse(res.payload) as ErrorBody).message, CSRF_MESSAGE);
  });

  void test('bad input is 400 with a message naming the field', async () => {
    const user: TestUser = await createTestUser(web.testDb.db, { role: 'viewer' });
    const cases: Array<[object, RegExp]> = [
      [{ newPassword: 'long enough' }, /"currentPassword" is required/],
      [{ currentPassword: user.password }, /"newPassword" is required/],
      [{ currentPassword: user.password, newPassword: 'short' }, /"newPassword" length must be at least 8 characters long/],
      [{ currentPassword: user.password, newPassword: 'x'.repeat(1025) }, /"newPassword" length must be less than or equal to 1024/],
      [{ currentPassword: user.password, newPassword: user.password }, /"newPassword" must differ from "currentPassword"/],
      [{ currentPassword: user.password, newPassword: 'long enough', user: 'someone-else' }, /"user" is not allowed/],
    ];
    for (const [payload, message] of cases) {
      const res = await change(user.headers, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.match((JSON.parse(res.payload) as ErrorBody).message, message);
    }
    // Nothing was changed by any of them.
    await login(user, '198.51.100.60');
  });
});
