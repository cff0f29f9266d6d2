// Retention: raw samples for rawDays, rollups for rollupDays, expired by dropping whole
// partitions, never by deleting rows one by one. Their compacted hours (sample_chunks, a row per
// host and hour or day) expire on the same schedule, deleted as rows: a day of them is a few
// rows per host. Poll failures, alert history and notifications follow the same two ages
// (lib/db/queries/delete-expired-records.ts).
import { sql } from 'kysely';
import type { ChunkKind } from '../chunks/chunked-tables.ts';
import type { VigilDb } from '../database.ts';
import { deleteExpiredRecords, type ExpiredRecords } from '../queries/delete-expired-records.ts';
import { dropSamplePartitionsBefore } from '../ensure-sample-partitions.ts';
import { ROLLUP_TABLES } from './rollup-metrics.ts';
import type { RollupResolution } from './rollup-metrics.ts';
import { listRollupPartitions } from './rollup-partitions.ts';
import { readRollupProgress } from './rollup-progress.ts';

const DAY_MS = 86_400_000;

export const DEFAULT_RAW_RETENTION_DAYS = 14;
export const DEFAULT_ROLLUP_RETENTION_DAYS = 400;

export interface RetentionPolicy {
  rawDays: number;
  rollupDays: number;
  /** Epoch milliseconds the ages are measured from. */
  now: number;
}

export interface RetentionResult {
  /** Names of the partitions dropped. */
  raw: string[];
  rollups: string[];
  /** sample_chunks rows deleted (raw and 1-minute). */
  chunks: number;
  /** Rows of the tables that grow by rows. */
  records: ExpiredRecords;
}

/**
 * Drops the raw partitions wholly older than rawDays and the rollup partitions wholly older than
 * rollupDays. A raw partition is dropped only once both rollups have been built past its end, so
 * that a stalled rollup job costs disk, never history.
 */
export async function applyRetention(db: VigilDb, policy: RetentionPolicy): Promise<RetentionResult> {
  const progress = await readRollupProgress(db);
  const rolledUntil = Math.min(progress['1m'] ?? -Infinity, progress['1h'] ?? -Infinity);
  const rawCutoff = Math.min(policy.now - policy.rawDays * DAY_MS, rolledUntil);
  const raw = Number.isFinite(rawCutoff) ? await dropSamplePartitionsBefore(db, rawCutoff) : [];
  let chunks = Number.isFinite(rawCutoff) ? await deleteChunksEndingBy(db, 'raw', rawCutoff) : 0;

  const rollupCutoff = policy.now - policy.rollupDays * DAY_MS;
  const rollups: string[] = [];
  for (const resolution of ['1m', '1h'] as RollupResolution[]) {
    for (const partition of await listRollupPartitions(db, resolution)) {
      if (partition.toMs > rollupCutoff) continue;
      await sql`DROP TABLE IF EXISTS ${sql.id(partition.name)}`.execute(db);
      rollups.push(partition.name);
    }
    // Only buckets of months that had no partition sit here: few rows, so a DELETE is fine.
    const fallback = sql.id(`${ROLLUP_TABLES[resolution]}_default`);
    await sql`DELETE FROM ${fallback} WHERE bucket < ${new Date(rollupCutoff).toISOString()}::timestamptz`.execute(db);
  }
  chunks += await deleteChunksEndingBy(db, '1m', rollupCutoff);
  // Failures are not rolled up: they go at rawDays whatever the rollups' progress.
  const records = await deleteExpiredRecords(db, { rawBefore: policy.now - policy.rawDays * DAY_MS, longBefore: rollupCutoff });
  return { raw, rollups, chunks, records };
}

/** Chunks wholly older than the cutoff, as the partitions dropped above are. */
async function deleteChunksEndingBy(db: VigilDb, kind: ChunkKind, cutoffMs: number): Promise<number> {
  const result = await db.deleteFrom('sample_chunks').where('kind', '=', kind).where('end_ts', '<=', new Date(cutoffMs)).executeTakeFirst();
  return Number(result.numDeletedRows);
}
