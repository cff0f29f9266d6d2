// The web server as route tests use it: on a fresh migrated PGlite, driven by server.inject().
import { after, before } from 'node:test';
import type { Server } from '@hapi/hapi';
import { silentLogger } from '../../lib/log.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export interface TestWebServer {
  server: Server;
  testDb: TestDatabase;
}

/** Registers before/after hooks on the enclosing suite; the fields are set once `before` ran. */
export function useTestWebServer(): TestWebServer {
  const web = {} as TestWebServer;
  before(async () => {
    web.testDb = await createTestDatabase('pglite');
    web.server = await createWebServer({ db: web.testDb.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger });
  });
  after(async () => {
    await web.server?.stop();
    await web.testDb?.close();
  });
  return web;
}
