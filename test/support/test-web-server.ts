// The web server as route tests use it: on a fresh migrated PGlite, driven by server.inject(),
// with an admin and a viewer whose API tokens the tests send (every API route needs a login).
import { after, before } from 'node:test';
import type { Server } from '@hapi/hapi';
import { silentLogger } from '../../lib/log.ts';
import { createWebServer, type WebServerOptions } from '../../services/web/web-server.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { createTestUser, type TestUser } from './test-users.ts';

export interface TestWebServer {
  server: Server;
  testDb: TestDatabase;
  /** Headers of an admin's API token: server.inject({ ..., headers: web.asAdmin }). */
  asAdmin: { authorization: string };
  /** Headers of a viewer's API token. */
  asViewer: { authorization: string };
  admin: TestUser;
  viewer: TestUser;
}

/** Registers before/after hooks on the enclosing suite; the fields are set once `before` ran. */
export function useTestWebServer(options: Partial<Pick<WebServerOptions, 'now' | 'auth' | 'statusPage'>> = {}): TestWebServer {
  const web = {} as TestWebServer;
  before(async () => {
    web.testDb = await createTestDatabase('pglite');
    web.server = await createWebServer({ db: web.testDb.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, ...options });
    web.admin = await createTestUser(web.testDb.db, { name: 'test-admin', role: 'admin' });
    web.viewer = await createTestUser(web.testDb.db, { name: 'test-viewer', role: 'viewer' });
    web.asAdmin = web.admin.headers;
    web.asViewer = web.viewer.headers;
  });
  after(async () => {
    await web.server?.stop();
    await web.testDb?.close();
  });
  return web;
}
