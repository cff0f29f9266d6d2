// Drops a partition that holds no row. Compaction empties the partitions of closed days (samples)
// and months (samples_1m) row by row; dropping them returns their files, which their indexes
// would otherwise keep at full size, and which no later insert would reuse.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';

const UNDEFINED_TABLE = '42P01';

/** True when it dropped the partition; false when it holds a row (or is gone already). */
export async function dropPartitionIfEmpty(db: Kysely<Database>, parent: string, partition: string): Promise<boolean> {
  // Cheap first look, without a lock: the primary key's first entry. (A sequential scan would read
  // every page the deleted rows left behind; the index skips entries already known dead.)
  try {
    if (!(await isEmpty(db, partition))) return false;
  } catch (error) {
    // Dropped meanwhile by another compaction or by retention.
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return false;
    throw error;
  }
  return db.transaction().execute(async (trx) => {
    // Locking the parent, as creating a partition does, keeps inserts out of the partition while it
    // is looked at again and dropped: a row stored in between is never dropped with it.
    await sql`LOCK TABLE ${sql.id(parent)} IN ACCESS EXCLUSIVE MODE`.execute(trx);
    const exists = await sql<{ oid: unknown }>`SELECT to_regclass(${partition}) AS oid`.execute(trx);
    if (exists.rows[0]?.oid == null || !(await isEmpty(trx, partition))) return false;
    await sql`DROP TABLE ${sql.id(partition)}`.execute(trx);
    return true;
  });
}

async function isEmpty(db: Kysely<Database>, partition: string): Promise<boolean> {
  const row = await sql`SELECT 1 FROM ${sql.id(partition)} ORDER BY host LIMIT 1`.execute(db);
  return row.rows.length === 0;
}
