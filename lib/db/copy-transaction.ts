// A transaction that can also COPY rows on its own connection. Kysely sends statements only, and
// COPY … FROM STDIN needs the pg client itself: on PostgreSQL the transaction runs on a client
// taken from the pool here, through a Kysely bound to that one client, so that the statements
// and the COPY share the connection and the transaction. PGlite's transactions get no COPY: its
// COPY FROM reads a blob handed over whole, not a stream, and gains nothing in one process.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect } from 'kysely';
import type { PostgresPoolClient } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from './database.ts';

/**
 * Runs `statement` (a `COPY … FROM STDIN`) in the transaction, sending the chunks of COPY data as
 * they are produced, so that the server can store one chunk while the next is being built where a
 * core is free (BENCHMARKS.md, Ingest: on the loaded test machine it mostly is not). Returns the rows copied.
 */
export type CopyIn = (statement: string, chunks: Iterable<string>) => Promise<number>;

// Filled by openDatabase for its PostgreSQL databases; any other Kysely gets transactions without COPY.
const poolOf = new WeakMap<Kysely<Database>, Pool>();
const kyselyOnClient = new WeakMap<PoolClient, Kysely<Database>>();

/** Lets transactionWithCopy COPY on `db`, whose connections come from `pool`. */
export function allowCopy(db: Kysely<Database>, pool: Pool): void {
  poolOf.set(db, pool);
}

/** As db.transaction().execute(work), with a CopyIn on the transaction's connection where the database has one. */
export async function transactionWithCopy<T>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>, copyIn: CopyIn | null) => Promise<T>,
): Promise<T> {
  const pool = poolOf.get(db);
  if (pool === undefined) return db.transaction().execute((trx) => work(trx, null));
  const client = await pool.connect();
  let failed = false;
  try {
    return await boundTo(client).transaction().execute((trx) => work(trx, (statement, chunks) => copyIn(client, statement, chunks)));
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A connection whose transaction failed, perhaps halfway through a COPY, is not trusted again.
    client.release(failed);
  }
}

function boundTo(client: PoolClient): Kysely<Database> {
  let bound = kyselyOnClient.get(client);
  if (bound === undefined) {
    const view: PostgresPoolClient = {
      // Statements only: no cursor was configured, so Kysely never passes one.
      query: ((text: string, values: unknown[]) => client.query(text, values)) as unknown as PostgresPoolClient['query'],
      // The client goes back to its pool in transactionWithCopy, not when Kysely is done with it.
      release: () => {},
    };
    bound = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: async () => view, end: async () => {} } }) });
    kyselyOnClient.set(client, bound);
  }
  return bound;
}

async function copyIn(client: PoolClient, statement: string, chunks: Iterable<string>): Promise<number> {
  const stream = client.query(copyFrom(statement));
  await pipeline(Readable.from(chunks), stream);
  return stream.rowCount;
}
