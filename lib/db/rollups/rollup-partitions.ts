// Monthly partitions of the rollup tables, named <table>_pYYYYMM after their UTC month.
// Created ahead of the rollups that fill them; dropped whole by retention.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { ROLLUP_TABLES } from './rollup-metrics.ts';
import type { RollupResolution } from './rollup-metrics.ts';

/** The UTC midnight starting the month that contains `ms`. */
export function startOfUtcMonth(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

export function nextUtcMonth(monthStartMs: number): number {
  const date = new Date(monthStartMs);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

export function rollupPartitionName(resolution: RollupResolution, monthStartMs: number): string {
  return `${ROLLUP_TABLES[resolution]}_p${new Date(monthStartMs).toISOString().slice(0, 7).replace('-', '')}`;
}

export interface RollupPartition {
  name: string;
  /** Start of its month, epoch milliseconds. */
  fromMs: number;
  toMs: number;
}

/** The monthly partitions that exist now (the default partition excluded), oldest first. */
export async function listRollupPartitions(db: VigilDb, resolution: RollupResolution): Promise<RollupPartition[]> {
  const table = ROLLUP_TABLES[resolution];
  const pattern = new RegExp(`^${table}_p(\\d{4})(\\d{2})$`);
  const result = await sql<{ name: string }>`
    SELECT c.relname AS name
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = ${table}::regclass
    ORDER BY c.relname`.execute(db);
  const partitions: RollupPartition[] = [];
  for (const { name } of result.rows) {
    const match = pattern.exec(name);
    if (!match) continue;
    const fromMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, 1);
    partitions.push({ name, fromMs, toMs: nextUtcMonth(fromMs) });
  }
  return partitions;
}

/**
 * Creates the missing partitions for every month from the one holding `fromMs` to the one holding
 * `toMs`. Returns the names it created. Safe to call concurrently, from several processes.
 */
export async function ensureRollupPartitions(db: VigilDb, resolution: RollupResolution, fromMs: number, toMs: number): Promise<string[]> {
  const existing = new Set((await listRollupPartitions(db, resolution)).map((partition) => partition.name));
  const created: string[] = [];
  for (let month = startOfUtcMonth(fromMs); month <= toMs; month = nextUtcMonth(month)) {
    const name = rollupPartitionName(resolution, month);
    if (existing.has(name)) continue;
    if (await createRollupPartition(db, resolution, month)) created.push(name);
  }
  return created;
}

async function createRollupPartition(db: VigilDb, resolution: RollupResolution, monthStartMs: number): Promise<boolean> {
  const table = ROLLUP_TABLES[resolution];
  const name = rollupPartitionName(resolution, monthStartMs);
  const from = new Date(monthStartMs).toISOString();
  const to = new Date(nextUtcMonth(monthStartMs)).toISOString();
  const fallback = sql.id(`${table}_default`);
  return db.transaction().execute(async (trx) => {
    // As for samples: creating a partition fails while the default one holds rows of its range,
    // so creators are serialised and those rows are moved out under the same lock.
    await sql`LOCK TABLE ${sql.id(table)} IN ACCESS EXCLUSIVE MODE`.execute(trx);
    const exists = await sql<{ oid: unknown }>`SELECT to_regclass(${name}) AS oid`.execute(trx);
    if (exists.rows[0]?.oid != null) return false;
    const stray = await sql`SELECT 1 FROM ${fallback} WHERE bucket >= ${from}::timestamptz AND bucket < ${to}::timestamptz LIMIT 1`.execute(trx);
    const moving = stray.rows.length > 0;
    if (moving) {
      await sql`CREATE TEMP TABLE rollups_moving ON COMMIT DROP AS
        SELECT * FROM ${fallback} WHERE bucket >= ${from}::timestamptz AND bucket < ${to}::timestamptz`.execute(trx);
      await sql`DELETE FROM ${fallback} WHERE bucket >= ${from}::timestamptz AND bucket < ${to}::timestamptz`.execute(trx);
    }
    // DDL takes no bind parameters: the bounds are ISO strings built above, never user input.
    await sql`CREATE TABLE ${sql.id(name)} PARTITION OF ${sql.id(table)}
      FOR VALUES FROM (${sql.lit(from)}) TO (${sql.lit(to)})`.execute(trx);
    if (moving) await sql`INSERT INTO ${sql.id(table)} SELECT * FROM rollups_moving`.execute(trx);
    return true;
  });
}
