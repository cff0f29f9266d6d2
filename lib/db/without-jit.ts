// PostgreSQL compiles a statement to machine code (JIT) once its estimated cost passes
// jit_above_cost. Statements that expand json arrays (json_to_recordset and the like are
// estimated at 100 rows per call, whatever they hold) look far costlier than they are. Measured
// on PostgreSQL 15 (a host with a day of simulator samples, loaded 2-core machine): a 6-hour raw
// chart spent 120-170 ms compiling on top of its 230-260 ms, and a day's 1-minute rollup 1.7-1.9 s.
// Such statements run with JIT off, set for their own transaction only.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

export async function withoutJit<T>(db: Kysely<Database>, run: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) {
    await sql`set local jit = off`.execute(db);
    return run(db);
  }
  return db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx);
    return run(trx);
  });
}
