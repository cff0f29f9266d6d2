// One entry point for both stores: PostgreSQL for a fleet, PGlite embedded for `vigil up`.
// Callers must not be able to tell them apart, so both are made to return the same JS types.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { redactUrl } from '../redact-url.ts';
import { allowCopy } from './copy-transaction.ts';
import type { Database, VigilDb } from './database.ts';

export type DatabaseKind = 'postgres' | 'pglite';

export interface OpenedDatabase {
  db: VigilDb;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export type OpenDatabaseOptions = ({ url: string } | { dataDir: string }) & {
  /** Where to report errors of idle pooled connections (a restarted server); dropped if absent. */
  log?: Logger;
  /** Most pooled connections (PostgreSQL only). */
  maxConnections?: number;
};

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Counts, ids and byte figures fit comfortably in a double; numbers everywhere beat a mix
// of strings (pg) and bigints (PGlite, above 2^53).
const parseNumber = (value: string): number => Number(value);

export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  if ('url' in options) return openPostgres(options.url, options);
  return openPglite(options.dataDir);
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<OpenedDatabase> {
  const safeUrl = redactUrl(url);
  // Parsers on this pool only, so that other pg users in the process keep the defaults.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8_OID || oid === NUMERIC_OID) return parseNumber;
      return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
    }) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, types, max: options.maxConnections ?? 10 });
  // Without a listener an idle client losing its server would crash the process.
  pool.on('error', (error) => options.log?.warn('idle database connection failed', { url: safeUrl, error }));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot connect to PostgreSQL at ${safeUrl}: ${reason}`, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  allowCopy(db, pool);
  return { db, kind: 'postgres', close: () => db.destroy() };
}

async function openPglite(dataDir: string): Promise<OpenedDatabase> {
  await mkdir(dataDir, { recursive: true });
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir, { parsers: { [INT8_OID]: parseNumber, [NUMERIC_OID]: parseNumber } });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the embedded database in ${dataDir}: ${reason}`, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

