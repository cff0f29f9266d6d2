// The login requirement as a whole: every route the server has (so a route added later is
// covered without touching this file) needs a session or a token, admin routes refuse
// viewers, cookie-authenticated writes need the CSRF token, and expired logins are refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RequestRoute, Server } from '@hapi/hapi';
import { createApiToken } from '../../../../lib/auth/create-user.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../../../lib/auth/session-policy.ts';
import { updateUser } from '../../../../lib/db/queries/user-accounts.ts';
import { silentLogger } from '../../../../lib/log.ts';
import { ADMIN_ONLY_MESSAGE, CSRF_MESSAGE, LOGIN_FIRST_MESSAGE } from '../../../../services/web/auth/auth-plugin.ts';
import { createWebServer } from '../../../../services/web/web-server.ts';
import { useTestWebServer } from '../../../support/test-web-server.ts';
import { createTestUser } from '../../../support/test-users.ts';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/**
 * The only routes anyone may call without logging in. The OpenAPI description holds no data
 * (routes and schemas only) and tells a client how to log in, so it is open too.
 */
const PUBLIC_ROUTES = [
  'GET /healthz', 'GET /readyz', 'POST /api/v1/session', 'GET /{path*}', 'GET /api/v1/openapi.json',
  // The public status page: 404 unless VIGIL_STATUS_PAGE names groups, and then only theirs (status-routes.test.ts).
  'GET /status', 'GET /status.css', 'GET /api/v1/status', 'GET /status/feed.atom',
];
/** Routes that must be admin-only whatever else changes. */
const MUST_BE_ADMIN = [
  'POST /api/v1/alerts/{key}/ack',
  'POST /api/v1/silences',
  'POST /api/v1/silences/{id}/expire',
  'GET /api/v1/users',
  'POST /api/v1/users',
  'PATCH /api/v1/users/{name}',
  'DELETE /api/v1/users/{name}',
  'GET /api/v1/tokens',
  'POST /api/v1/tokens',
  'DELETE /api/v1/tokens/{id}',
];

const routeId = (route: RequestRoute): string => `${route.method.toUpperCase()} ${route.path}`;
/** A concrete URL for a route: parameters filled with harmless values (auth runs before validation). */
const urlOf = (route: RequestRoute): string => route.path.replace(/\{(\w+)\*?\}/g, (_m, name: string) => (name === 'id' ? '1' : 'x'));
const methodOf = (route: RequestRoute): string => (route.method === '*' ? 'GET' : route.method.toUpperCase());
const isAdminOnly = (route: RequestRoute): boolean => {
  const auth = route.settings.auth as { access?: Array<{ scope?: { selection?: string[]; required?: string[] } | false }> } | false | undefined;
  if (!auth) return false;
  return (auth.access ?? []).some((access) => access.scope !== false && access.scope !== undefined && [...(access.scope.selection ?? []), ...(access.scope.required ?? [])].includes('admin'));
};
/** hapi's types say auth settings are never `false`, but that is what `auth: false` leaves there. */
const isOpen = (route: RequestRoute): boolean => (route.settings.auth as unknown) === false;
const protectedRoutes = (server: Server): RequestRoute[] => server.table().filter((route) => !isOpen(route));

async function login(server: Server, name: string, password: string): Promise<{ cookie: string; csrfToken: string; setCookie: string }> {
  const res = await server.inject({ method: 'POST', url: '/api/v1/session', payload: { name, password } });
  assert.equal(res.statusCode, 200, res.payload);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0] ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  assert.match(cookie, /^vigil_session=[A-Za-z0-9_-]{43}$/);
  return { cookie, csrfToken: (JSON.parse(res.payload) as { csrfToken: string }).csrfToken, setCookie };
}

void describe('auth plugin', () => {
  let clock = Date.now();
  const web = useTestWebServer({ auth: { now: () => clock } });

  void test('the routes open to anyone are exactly health, login, the dashboard\'s files and the status page', () => {
    const open = web.server.table().filter(isOpen).map(routeId).sort();
    assert.deepEqual(open, [...PUBLIC_ROUTES].sort());
  });

  void test('every other route answers 401 without credentials, with the message the contract gives', async () => {
    const routes = protectedRoutes(web.server);
    assert.ok(routes.length >= 20, `only ${routes.length} protected routes?`);
    assert.ok(routes.some((r) => r.path === '/metrics'), '/metrics is protected');
    for (const route of routes) {
      const res = await web.server.inject({ method: methodOf(route), url: urlOf(route), ...(methodOf(route) === 'GET' || methodOf(route) === 'DELETE' ? {} : { payload: {} }) });
      assert.equal(res.statusCode, 401, `${routeId(route)} answered ${res.statusCode}: ${res.payload}`);
      assert.deepEqual(JSON.parse(res.payload), { statusCode: 401, error: 'Unauthorized', message: LOGIN_FIRST_MESSAGE }, routeId(route));
    }
  });

  void test('every admin route answers 403 to a viewer\'s token, and is not refused to an admin\'s', async () => {
    const admin = protectedRoutes(web.server).filter(isAdminOnly);
    assert.deepEqual(MUST_BE_ADMIN.filter((id) => !admin.map(routeId).includes(id)), [], 'routes that must be admin-only');
    for (const route of admin) {
      const payload = methodOf(route) === 'GET' || methodOf(route) === 'DELETE' ? {} : { payload: {} };
      const res = await web.server.inject({ method: methodOf(route), url: urlOf(route), headers: web.asViewer, ...payload });
      assert.equal(res.statusCode, 403, `${routeId(route)} answered ${res.statusCode}: ${res.payload}`);
      const body = JSON.parse(res.payload) as ErrorBody;
      assert.equal(body.error, 'Forbidden');
      assert.equal(body.message, `${ADMIN_ONLY_MESSAGE}; test-viewer is a viewer`);
      // GET: the real answer; writes with {} at worst fail validation. Never an auth refusal.
      const asAdmin = await web.server.inject({ method: methodOf(route), url: route.method === 'delete' ? urlOf(route).replace(/\/x$|\/1$/, '/999999') : urlOf(route), headers: web.asAdmin, ...payload });
      assert.ok(![401, 403].includes(asAdmin.statusCode), `${routeId(route)} refused an admin: ${asAdmin.payload}`);
    }
  });

  void test('a viewer\'s token reads every GET route that is not admin-only', async () => {
    for (const route of protectedRoutes(web.server).filter((r) => r.method === 'get' && !isAdminOnly(r) && !r.path.includes('{') && r.path !== '/api/v1/events')) {
      const res = await web.server.inject({ url: route.path, headers: web.asViewer });
      assert.ok(![401, 403].includes(res.statusCode), `${routeId(route)} answered ${res.statusCode}: ${res.payload}`);
    }
  });

  void test('the session cookie is HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP, and ends with the browser', async () => {
    const { setCookie } = await login(web.server, web.admin.name, web.admin.password);
    const attributes = setCookie.split(';').slice(1).map((a) => a.trim());
    assert.deepEqual(attributes.sort(), ['HttpOnly', 'Path=/', 'SameSite=Strict']);
  });

  void test('with cookieSecure the cookie is Secure too', async () => {
    const secure = await createWebServer({ db: web.testDb.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, auth: { cookieSecure: true } });
    try {
      const { setCookie } = await login(secure, web.viewer.name, web.viewer.password);
      assert.match(setCookie, /; Secure(;|$)/);
      assert.match(setCookie, /; HttpOnly(;|$)/);
    } finally {
      await secure.stop();
    }
  });

  void test('cookie-authenticated writes need the session\'s CSRF token: missing or wrong is 403, right is allowed', async () => {
    const { cookie, csrfToken } = await login(web.server, web.admin.name, web.admin.password);
    const create = (headers: Record<string, string>) => web.server.inject({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'csrf-test' }, headers: { cookie, ...headers } });
    const attempts: Array<Record<string, string>> = [{}, { 'x-csrf-token': 'wrong' }, { 'x-csrf-token': '' }, { 'x-csrf-token': csrfToken.slice(0, -1) }];
    for (const headers of attempts) {
      const res = await create(headers);
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.deepEqual(JSON.parse(res.payload), { statusCode: 403, error: 'Forbidden', message: CSRF_MESSAGE });
    }
    assert.equal((await create({ 'x-csrf-token': csrfToken })).statusCode, 201);
    // Reads need no CSRF token.
    assert.equal((await web.server.inject({ url: '/api/v1/tokens', headers: { cookie } })).statusCode, 200);
    // Another session's token does not fit this one.
    const other = await login(web.server, web.admin.name, web.admin.password);
    assert.equal((await create({ 'x-csrf-token': other.csrfToken })).statusCode, 403);
  });

  void test('every state-changing route checks the CSRF token of a cookie login', async () => {
    const { cookie } = await login(web.server, web.admin.name, web.admin.password);
    const writes = protectedRoutes(web.server).filter((r) => !['get', 'head', 'options'].includes(r.method));
    assert.ok(writes.length >= 8);
    for (const route of writes) {
      const res = await web.server.inject({ method: methodOf(route), url: urlOf(route), headers: { cookie }, ...(methodOf(route) === 'DELETE' ? {} : { payload: {} }) });
      assert.equal(res.statusCode, 403, `${routeId(route)} answered ${res.statusCode}: ${res.payload}`);
      assert.equal((JSON.parse(res.payload) as ErrorBody).message, CSRF_MESSAGE, routeId(route));
    }
  });

  void test('token-authenticated writes need no CSRF token (a script cannot be tricked into sending one)', async () => {
    const res = await web.server.inject({ method: 'POST', url: '/api/v1/tokens', payload: { name: 'by-token' }, headers: web.asAdmin });
    assert.equal(res.statusCode, 201, res.payload);
  });

  void test('a session idle for 12 hours is refused with 401 and its cookie cleared; activity keeps it alive', async () => {
    clock = Date.now();
    const { cookie } = await login(web.server, web.viewer.name, web.viewer.password);
    const get = () => web.server.inject({ url: '/api/v1/session', headers: { cookie } });
    clock += SESSION_IDLE_MS - 60_000;
    assert.equal((await get()).statusCode, 200, 'just under 12 h idle');
    clock += SESSION_IDLE_MS - 60_000;
    assert.equal((await get()).statusCode, 200, 'the last request restarted the idle time');
    clock += SESSION_IDLE_MS;
    const expired = await get();
    assert.equal(expired.statusCode, 401);
    assert.match((JSON.parse(expired.payload) as ErrorBody).message, /session has ended/);
    assert.match(String(expired.headers['set-cookie']), /^vigil_session=; Max-Age=0; Expires=Thu, 01 Jan 1970/);
    clock = Date.now();
  });

  void test('a session ends 7 days after the login however active it is', async () => {
    clock = Date.now();
    const start = clock;
    const { cookie } = await login(web.server, web.viewer.name, web.viewer.password);
    const get = () => web.server.inject({ url: '/api/v1/session', headers: { cookie } });
    while (clock + 6 * 3_600_000 < start + SESSION_ABSOLUTE_MS) {
      clock += 6 * 3_600_000;
      assert.equal((await get()).statusCode, 200, `${(clock - start) / 3_600_000} h after login`);
    }
    clock = start + SESSION_ABSOLUTE_MS;
    assert.equal((await get()).statusCode, 401);
    clock = Date.now();
  });

  void test('an expired, unknown or malformed token is 401 with a message saying which', async () => {
    clock = Date.now();
    const { token } = await createApiToken(web.testDb.db, { userName: web.viewer.name, name: 'short-lived', expiresInDays: 1, now: clock });
    const get = (authorization: string) => web.server.inject({ url: '/api/v1/hosts', headers: { authorization } });
    assert.equal((await get(`Bearer ${token}`)).statusCode, 200);
    clock += 86_400_000;
    const expired = await get(`Bearer ${token}`);
    assert.equal(expired.statusCode, 401);
    assert.match((JSON.parse(expired.payload) as ErrorBody).message, /unknown, revoked or expired/);
    assert.match((JSON.parse((await get(`Bearer vigil_${'a'.repeat(43)}`)).payload) as ErrorBody).message, /unknown, revoked or expired/);
    for (const header of ['Basic dXNlcjpwYXNz', `Bearer ${token.slice('vigil_'.length)}`, 'Bearer', `Token ${token}`]) {
      const res = await get(header);
      assert.equal(res.statusCode, 401, header);
      assert.match((JSON.parse(res.payload) as ErrorBody).message, /must be "Bearer vigil_…"/, header);
    }
    clock = Date.now();
  });

  void test('a token records when it was last used', async () => {
    const before = Date.now();
    clock = before;
    await web.server.inject({ url: '/api/v1/hosts', headers: web.asViewer });
    const listed = JSON.parse((await web.server.inject({ url: '/api/v1/tokens?user=test-viewer', headers: web.asAdmin })).payload) as { tokens: Array<{ name: string; lastUsedAt: string | null }> };
    const used = listed.tokens.find((t) => t.name === 'test');
    assert.ok(used?.lastUsedAt && Date.parse(used.lastUsedAt) >= before - 60_000, JSON.stringify(listed));
  });

  void test('a role change applies to existing sessions and tokens at once', async () => {
    const user = await createTestUser(web.testDb.db, { role: 'viewer' });
    const session = await login(web.server, user.name, user.password);
    assert.equal((await web.server.inject({ url: '/api/v1/users', headers: user.headers })).statusCode, 403);
    await updateUser(web.testDb.db, user.name, { role: 'admin', at: Date.now() });
    assert.equal((await web.server.inject({ url: '/api/v1/users', headers: user.headers })).statusCode, 200);
    assert.equal((await web.server.inject({ url: '/api/v1/users', headers: { cookie: session.cookie } })).statusCode, 200);
  });
});
