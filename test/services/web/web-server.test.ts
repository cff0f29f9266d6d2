import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { silentLogger } from '../../../lib/log.ts';
import { CONTENT_SECURITY_POLICY, createWebServer } from '../../../services/web/web-server.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

void describe('createWebServer', () => {
  let testDb: TestDatabase;
  let server: Server;

  before(async () => {
    testDb = await createTestDatabase('pglite');
    server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger });
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
    ];
    for (const [url, status] of cases) {
      const res = await server.inject(url);
      assert.equal(res.statusCode, status, url);
      assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
    }
  });

  void test('a failed validation answers 400 with the validation message, not a generic one', async () => {
    const res = await server.inject('/api/v1/hosts/x/samples?maxPoints=many');
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
