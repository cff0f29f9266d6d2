// Brings the schema to the latest version. Every service calls it at start, so several may
// run it at once: kysely's Migrator holds a PostgreSQL advisory lock for the whole run.
import { Migrator } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely';
import type { VigilDb } from './database.ts';
import * as initial from './migrations/0001-initial.ts';

// Listed by hand, not scanned from a directory, so that bundling cannot drop or reorder one.
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
};

const staticProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

export async function migrateToLatest(db: VigilDb): Promise<void> {
  const migrator = new Migrator({ db, provider: staticProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((result) => result.status === 'Error');
  const reason = error instanceof Error ? error.message : String(error);
  const what = failed ? `migration ${failed.migrationName} failed` : 'migrating the database failed';
  throw new Error(`${what}: ${reason}`, { cause: error });
}
