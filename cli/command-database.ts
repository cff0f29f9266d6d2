// The database for commands that manage it directly (`vigil user`, `vigil token`, and
// `vigil silence` when no `vigil up` answers): PostgreSQL at VIGIL_DATABASE_URL, or the embedded
// database of `vigil up` in VIGIL_DATA_DIR — but only while no `vigil up` runs, since two
// processes must never open one embedded database.
import { loadConfig, type VigilConfig } from '../lib/config.ts';
import type { VigilDb } from '../lib/db/database.ts';
import { migrateToLatest } from '../lib/db/migrate.ts';
import { openDatabase, type OpenedDatabase } from '../lib/db/open-database.ts';

async function openCommandDatabase(env: NodeJS.ProcessEnv): Promise<OpenedDatabase> {
  const config = loadConfig('up', env);
  if (config.databaseUrl === null) {
    const api = await runningVigilUp(config);
    if (api !== null) {
      throw new Error(`a running \`vigil up\` (${api}) holds the embedded database in ${config.dataDir}: use the dashboard's admin page, or stop vigil up first`);
    }
  }
  return openMigratedDatabase(config);
}

/** The configured database, migrated: PostgreSQL at VIGIL_DATABASE_URL, else the embedded one. */
export async function openMigratedDatabase(config: VigilConfig): Promise<OpenedDatabase> {
  const database = config.databaseUrl ? await openDatabase({ url: config.databaseUrl, maxConnections: 2 }) : await openDatabase({ dataDir: config.dataDir });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** The address of the `vigil up` that answers on the configured host and port, or null. */
export async function runningVigilUp(config: VigilConfig): Promise<string | null> {
  const host = config.httpHost.includes(':') ? `[${config.httpHost}]` : config.httpHost;
  const api = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.httpPort}`;
  return (await answers(`${api}/healthz`)) ? api : null;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Runs `task` on the command database and closes it; any failure is reported through `fail`
 * (exit status 1), so a command's actions read as plain steps.
 */
export async function withCommandDatabase(
  env: NodeJS.ProcessEnv,
  fail: (message: string, code?: number) => number,
  task: (db: VigilDb) => Promise<void>,
): Promise<number> {
  return withCommandStore(() => openCommandDatabase(env), fail, (database) => task(database.db));
}

/**
 * Opens a command's store (its database or a running `vigil up`'s API), runs `task` on it and
 * closes it; any failure, opening included, is reported through `fail` (exit status 1).
 */
export async function withCommandStore<S extends { close(): Promise<void> }>(
  open: () => Promise<S>,
  fail: (message: string, code?: number) => number,
  task: (store: S) => Promise<void>,
): Promise<number> {
  let store: S;
  try {
    store = await open();
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error), 1);
  }
  try {
    await task(store);
    return 0;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error), 1);
  } finally {
    await store.close();
  }
}
