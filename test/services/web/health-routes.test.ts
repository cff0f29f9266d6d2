import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../../lib/db/database.ts';
import { silentLogger } from '../../../lib/log.ts';
import { createWebServer } from '../../../services/web/web-server.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';

void describe('health routes', () => {
  const web = useTestWebServer();

  void test('GET /healthz is 200 ok', async () => {
    const res = await web.server.inject('/healthz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.result, { status: 'ok' });
  });

  void test('GET /readyz is 200 when the database answers', async () => {
    const res = await web.server.inject('/readyz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.result, { status: 'ok' });
  });

  void test('GET /healthz with a query parameter is a 400', async () => {
    const res = await web.server.inject('/healthz?verbose=1');
    assert.equal(res.statusCode, 400);
    assert.match((JSON.parse(res.payload) as { message: string }).message, /"verbose" is not allowed/);
  });

  void test('GET /readyz is 503 when the database cannot be reached', async () => {
    // A real PostgreSQL client aimed at a loopback port where nothing listens: the connection is refused.
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres', connectionTimeoutMillis: 1000 });
    const deadDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const deadServer = await createWebServer({ db: deadDb, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger });
    try {
      const res = await deadServer.inject('/readyz');
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.result, { status: 'unavailable', reason: 'database' });
      // Liveness does not depend on the database.
      assert.equal((await deadServer.inject('/healthz')).statusCode, 200);
    } finally {
      await deadServer.stop();
      await deadDb.destroy();
    }
  });
});
