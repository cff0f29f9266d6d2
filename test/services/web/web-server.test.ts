import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { silentLogger } from '../../../lib/log.ts';
import { CONTENT_SECURITY_POLICY, createWebServer } from '../../../services/web/web-server.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { createTestUser } from '../../support/test-users.ts';
import { EXTRA_SECURITY_HEADERS } from '../../../services/web/auth/security-headers.ts';

void describe('createWebServer', () => {
  let testDb: TestDatabase;
  let server: Server;
  let headers: { authorization: string };

  before(async () => {
    testDb = await createTestDatabase('pglite');
    server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger });
    headers = (await createTestUser(testDb.db, { role: 'viewer' })).headers;
  });

  after(async () => {
    await server?.stop();
    await testDb?.close();
  });

  void test('the CSP is the strict one the dashboard is built for', () => {
    assert.equal(
      CONTENT_SECURITY_POLICY,
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  void test('security headers are on good answers and on every kind of error', async () => {
    const cases: [string, number][] = [
      ['/healthz', 200],
      ['/api/v1/hosts', 200],
      ['/api/v1/hosts/x/samples?from=never', 400],
      ['/api/v1/hosts/x/samples', 404],
      ['/api/v1/nothing-here', 404],
      ['/', 503],
      ['/api/v1/users', 403],
    ];
    for (const [url, status] of cases) {
      const res = await server.inject({ url, headers });
      assert.equal(res.statusCode, status, url);
      assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.equal(res.headers['x-download-options'], 'noopen', url);
      for (const [name, value] of Object.entries(EXTRA_SECURITY_HEADERS)) assert.equal(res.headers[name], value, `${url} ${name}`);
      // Over plain HTTP (no VIGIL_COOKIE_SECURE) HSTS would only be ignored.
      assert.equal(res.headers['strict-transport-security'], undefined, url);
    }
    const unauthenticated = await server.inject('/api/v1/hosts');
    assert.equal(unauthenticated.statusCode, 401);
    assert.equal(unauthenticated.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  });

  void test('with VIGIL_COOKIE_SECURE (served over HTTPS) every answer carries HSTS', async () => {
    const secure = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, auth: { cookieSecure: true } });
    try {
      for (const [url, status] of [['/healthz', 200], ['/api/v1/hosts', 401]] as const) {
        const res = await secure.inject(url);
        assert.equal(res.statusCode, status);
        assert.equal(res.headers['strict-transport-security'], 'max-age=31536000', url);
      }
    } finally {
      await secure.stop();
    }
  });

  void test('a failed validation answers 400 with the validation message, not a generic one', async () => {
    const res = await server.inject({ url: '/api/v1/hosts/x/samples?maxPoints=many', headers });
    assert.equal(res.statusCode, 400);
    const body = JSON.parse(res.payload) as Record<string, unknown>;
    assert.equal(body['statusCode'], 400);
    assert.equal(body['error'], 'Bad Request');
    assert.equal(body['message'], '"maxPoints" must be a number');
  });

  void test('the server is created but not started', () => {
    assert.equal(server.info.started, 0);
  });
});
