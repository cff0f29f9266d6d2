import { required, type VigilConfig } from '../../lib/config.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { migrateToLatest } from '../../lib/db/migrate.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import { countUsers } from '../../lib/db/queries/user-accounts.ts';
import type { Logger } from '../../lib/log.ts';
import { startServiceObservability } from '../../lib/metrics/service-observability.ts';
import { WEB_DIST_DIR } from '../../lib/paths.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { buildWeb } from '../../lib/web/build-web.ts';
import { createWebServer } from './web-server.ts';

export async function runWeb(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  const database = await openDatabase({ url: required(config.databaseUrl, 'VIGIL_DATABASE_URL') });
  await migrateToLatest(database.db);
  if ((await countUsers(database.db)).total === 0) {
    log.warn('no users yet, so nobody can log in: create the first admin with `vigil user add NAME --admin --password-stdin`');
  }
  const web = await startWebServer(config, database.db, log);
  const observability = await startServiceObservability({ service: 'web', config, log, db: database.db });
  return [
    { name: 'web server', run: () => web.stop() },
    ...observability,
    { name: 'database', run: () => database.close() },
  ];
}

/**
 * Starts the dashboard and API. The dashboard is bundled at every start (esbuild takes a
 * fraction of a second), so a checkout never serves a stale bundle and needs no build step.
 */
export async function startWebServer(config: VigilConfig, db: VigilDb, log: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const built = await buildWeb({ outDir: WEB_DIST_DIR, minify: true });
  log.debug('dashboard built', { outDir: WEB_DIST_DIR, bytes: built.bytes });
  const server = await createWebServer({ db, host: config.httpHost, port: config.httpPort, staticDir: WEB_DIST_DIR, log, auth: { cookieSecure: config.cookieSecure }, statusPage: config.statusPage });
  await server.start();
  const url = `http://${formatHost(config.httpHost)}:${server.info.port}`;
  log.info('web server listening', { url });
  return { url, stop: () => server.stop({ timeout: 5000 }) };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
