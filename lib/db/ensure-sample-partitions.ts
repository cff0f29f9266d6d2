// Daily partitions of `samples`, named samples_pYYYYMMDD after their UTC day.
// Created ahead of time by the writer; dropped whole by retention.
import { sql } from 'kysely';
import type { VigilDb } from './database.ts';

const DAY_MS = 86_400_000;
const PARTITION_NAME = /^samples_p(\d{4})(\d{2})(\d{2})$/;

/** The UTC midnight starting the day that contains `ms`. */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function samplePartitionName(dayStartMs: number): string {
  return 'samples_p' + new Date(dayStartMs).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The UTC midnight that starts a daily partition, from its name; null for any other name. */
export function samplePartitionStart(name: string): number | null {
  const match = PARTITION_NAME.exec(name);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

/** Names of the daily partitions that exist now (the default partition excluded). */
export async function listSamplePartitions(db: VigilDb): Promise<string[]> {
  const result = await sql<{ name: string }>`
    SELECT c.relname AS name
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'samples'::regclass
    ORDER BY c.relname`.execute(db);
  return result.rows.map((row) => row.name).filter((name) => PARTITION_NAME.test(name));
}

/**
 * Creates the missing partitions for the day of `aroundMs` through `daysAhead` days later.
 * Returns the names it created. Safe to call concurrently, from several processes.
 */
export async function ensureSamplePartitions(db: VigilDb, aroundMs: number, daysAhead = 2): Promise<string[]> {
  const existing = new Set(await listSamplePartitions(db));
  const first = startOfUtcDay(aroundMs);
  const created: string[] = [];
  for (let day = first; day <= first + daysAhead * DAY_MS; day += DAY_MS) {
    const name = samplePartitionName(day);
    if (existing.has(name)) continue;
    if (await createSamplePartition(db, day)) created.push(name);
  }
  return created;
}

async function createSamplePartition(db: VigilDb, dayStartMs: number): Promise<boolean> {
  const name = samplePartitionName(dayStartMs);
  const from = new Date(dayStartMs).toISOString();
  const to = new Date(dayStartMs + DAY_MS).toISOString();
  return db.transaction().execute(async (trx) => {
    // Serialises creators and keeps inserts out while rows move out of the default partition:
    // creating a partition fails while the default one holds rows of its range.
    await sql`LOCK TABLE samples IN ACCESS EXCLUSIVE MODE`.execute(trx);
    const exists = await sql<{ oid: unknown }>`SELECT to_regclass(${name}) AS oid`.execute(trx);
    if (exists.rows[0]?.oid != null) return false;
    const stray = await sql`SELECT 1 FROM samples_default WHERE ts >= ${from}::timestamptz AND ts < ${to}::timestamptz LIMIT 1`.execute(trx);
    const moving = stray.rows.length > 0;
    if (moving) {
      await sql`CREATE TEMP TABLE samples_moving ON COMMIT DROP AS
        SELECT * FROM samples_default WHERE ts >= ${from}::timestamptz AND ts < ${to}::timestamptz`.execute(trx);
      await sql`DELETE FROM samples_default WHERE ts >= ${from}::timestamptz AND ts < ${to}::timestamptz`.execute(trx);
    }
    // DDL takes no bind parameters: the bounds are ISO strings built above, never user input.
    await sql`CREATE TABLE ${sql.id(name)} PARTITION OF samples
      FOR VALUES FROM (${sql.lit(from)}) TO (${sql.lit(to)})`.execute(trx);
    if (moving) await sql`INSERT INTO samples SELECT * FROM samples_moving`.execute(trx);
    return true;
  });
}

/**
 * Retention: drops every daily partition that ends at or before `cutoffMs`, and deletes the
 * rows older than the cutoff that sit in the default partition. Returns the dropped names.
 */
export async function dropSamplePartitionsBefore(db: VigilDb, cutoffMs: number): Promise<string[]> {
  const dropped: string[] = [];
  for (const name of await listSamplePartitions(db)) {
    const dayStart = samplePartitionStart(name);
    if (dayStart === null || dayStart + DAY_MS > cutoffMs) continue;
    await sql`DROP TABLE IF EXISTS ${sql.id(name)}`.execute(db);
    dropped.push(name);
  }
  await sql`DELETE FROM samples_default WHERE ts < ${new Date(cutoffMs).toISOString()}::timestamptz`.execute(db);
  return dropped;
}
