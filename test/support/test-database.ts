// A fresh, migrated database per test file, on either store, removed again by close().
import { createHash, randomBytes } from 'node:crypto';
import { access, cp, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { VigilDb } from '../../lib/db/database.ts';
import { migrateToLatest } from '../../lib/db/migrate.ts';
import { openDatabase } from '../../lib/db/open-database.ts';

export const TEST_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url?: string;
  dataDir?: string;
  db: VigilDb;
  close(): Promise<void>;
}

export async function createTestDatabase(kind: 'postgres' | 'pglite'): Promise<TestDatabase> {
  return kind === 'postgres' ? createPostgresDatabase() : createPgliteDatabase();
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `vigil_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  let opened;
  try {
    opened = await openDatabase({ url });
    await migrateToLatest(opened.db);
  } catch (error) {
    await opened?.close();
    await dropPostgresDatabase(name);
    throw error;
  }
  const { db } = opened;
  const close = opened.close;
  return {
    url,
    db,
    close: async () => {
      await close();
      await dropPostgresDatabase(name);
    },
  };
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  // Connections a test left behind (or a second pool it opened) would block the drop.
  await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
  await adminQuery(`DROP DATABASE IF EXISTS ${name}`);
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`tests need PostgreSQL at ${TEST_POSTGRES_ADMIN_URL}: ${(error as Error).message}`, { cause: error });
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function createPgliteDatabase(): Promise<TestDatabase> {
  const template = await migratedPgliteTemplate();
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-test-pglite-'));
  let opened;
  try {
    await cp(template, dataDir, { recursive: true });
    opened = await openDatabase({ dataDir });
    // A no-op on the template's schema; it still proves the copy is at the latest version.
    await migrateToLatest(opened.db);
  } catch (error) {
    await opened?.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const close = opened.close;
  return {
    dataDir,
    db: opened.db,
    close: async () => {
      await close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A closed, migrated PGlite data directory that test databases start as copies of. PGlite's
 * initdb runs in WebAssembly and took 8-19 s a database on this loaded machine (a copy and
 * open: 2-3 s), and some forty test files each open one. The directory is named after the
 * migrations' source and PGlite's version, so changing either makes a new one; test
 * processes running at once may each build it, and the first rename wins.
 */
async function migratedPgliteTemplate(): Promise<string> {
  const dir = join(tmpdir(), `vigil-test-pglite-template-${await schemaFingerprint()}`);
  if (await exists(join(dir, 'PG_VERSION'))) return dir;
  const building = await mkdtemp(`${dir}.building-`);
  try {
    const opened = await openDatabase({ dataDir: building });
    try {
      await migrateToLatest(opened.db);
    } finally {
      await opened.close();
    }
    await rename(building, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
  return dir;
}

async function schemaFingerprint(): Promise<string> {
  const hash = createHash('sha256');
  const dbDir = fileURLToPath(new URL('../../lib/db/', import.meta.url));
  const migrations = (await readdir(join(dbDir, 'migrations'))).sort();
  for (const file of [join(dbDir, 'migrate.ts'), ...migrations.map((name) => join(dbDir, 'migrations', name))]) {
    hash.update(file).update(await readFile(file));
  }
  const pglitePackage = fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url));
  hash.update(await readFile(pglitePackage));
  return hash.digest('hex').slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
