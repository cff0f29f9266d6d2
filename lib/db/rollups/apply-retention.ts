// Retention: raw samples for rawDays, rollups for rollupDays, expired by dropping whole
// partitions, never by deleting rows one by one.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
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
  return { raw, rollups };
}
