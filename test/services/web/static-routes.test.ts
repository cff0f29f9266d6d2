import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { silentLogger } from '../../../lib/log.ts';
import { buildWeb } from '../../../lib/web/build-web.ts';
import { CONTENT_SECURITY_POLICY, createWebServer } from '../../../services/web/web-server.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import { createTestUser, type TestUser } from '../../support/test-users.ts';
import type { TestDatabase } from '../../support/test-database.ts';

void describe('static routes', () => {
  let testDb: TestDatabase;
  let builtDir: string;
  let emptyDir: string;
  let server: Server;
  let unbuiltServer: Server;
  let viewer: TestUser;

  before(async () => {
    testDb = await createTestDatabase('pglite');
    builtDir = await mkdtemp(path.join(tmpdir(), 'vigil-web-built-'));
    emptyDir = await mkdtemp(path.join(tmpdir(), 'vigil-web-empty-'));
    await buildWeb({ outDir: builtDir });
    server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: builtDir, log: silentLogger });
    unbuiltServer = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: emptyDir, log: silentLogger });
    viewer = await createTestUser(testDb.db, { role: 'viewer' });
  });

  after(async () => {
    await server?.stop();
    await unbuiltServer?.stop();
    await testDb?.close();
    if (builtDir) await rm(builtDir, { recursive: true, force: true });
    if (emptyDir) await rm(emptyDir, { recursive: true, force: true });
  });

  void test('/ serves the built index.html, with the CSP, and it holds no inline script or style', async () => {
    const res = await server.inject('/');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(res.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.match(res.payload, /<vigil-app><\/vigil-app>/);
    assert.match(res.payload, /<script type="module" src="app.js"><\/script>/);
    assert.doesNotMatch(res.payload, /<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script');
    assert.doesNotMatch(res.payload, /<style|\sstyle=/, 'an inline style');
  });

  void test('app.js is served as JavaScript, the CSS files as CSS', async () => {
    const js = await server.inject('/app.js');
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['content-type']), /^(text|application)\/javascript/);
    assert.equal(js.headers['x-content-type-options'], 'nosniff');
    assert.match(js.payload, /vigil-app/);
    for (const file of ['/app.css', '/uplot.css']) {
      const css = await server.inject(file);
      assert.equal(css.statusCode, 200, file);
      assert.match(String(css.headers['content-type']), /^text\/css/, file);
    }
  });

  void test('a missing file is a 404, and the directory is not listed nor escaped', async () => {
    assert.equal((await server.inject('/nope.js')).statusCode, 404);
    const escape = await server.inject('/..%2F..%2Fetc%2Fpasswd');
    assert.ok(escape.statusCode === 404 || escape.statusCode === 403 || escape.statusCode === 400, String(escape.statusCode));
    assert.doesNotMatch(escape.payload, /root:/);
  });

  void test('an unknown API path is a JSON 404, not a file lookup (and, like all of /api, needs a login)', async () => {
    assert.equal((await server.inject('/api/v2/hosts')).statusCode, 401);
    const res = await server.inject({ url: '/api/v2/hosts', headers: viewer.headers });
    assert.equal(res.statusCode, 404);
    assert.match((JSON.parse(res.payload) as { message: string }).message, /no API route GET \/api\/v2\/hosts/);
  });

  void test('without a build, the page is a 503 that says how to build it', async () => {
    const res = await unbuiltServer.inject('/');
    assert.equal(res.statusCode, 503);
    const body = JSON.parse(res.payload) as { statusCode: number; message: string };
    assert.equal(body.statusCode, 503);
    assert.match(body.message, /npm run build:web/);
    // The API does not depend on the build.
    assert.equal((await unbuiltServer.inject({ url: '/api/v1/hosts', headers: viewer.headers })).statusCode, 200);
  });
});
