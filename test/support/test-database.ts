// A fresh, migrated database per test file, on either store, removed again by close().
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-test-pglite-'));
  let opened;
  try {
    opened = await openDatabase({ dataDir });
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
