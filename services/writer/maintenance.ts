// The writer's periodic upkeep of history: rolls closed minutes and hours up from the raw
// samples, moves the hours the rollups are done with into chunks, and applies retention once an hour. Periodic rather than in the write transaction so
// that storing a batch costs no more than storing it; charts read the not-yet-rolled tail from
// the raw samples (selectHostSeries), so nothing waits for this job to be seen.
import { sql } from 'kysely';
import type { VigilDb } from '../../lib/db/database.ts';
import { compactHistory } from '../../lib/db/chunks/compact-history.ts';
import type { CompactHistoryResult } from '../../lib/db/chunks/compact-history.ts';
import { compactionHorizon } from '../../lib/db/chunks/compaction-horizon.ts';
import { listSamplePartitions } from '../../lib/db/ensure-sample-partitions.ts';
import { DEFAULT_RAW_RETENTION_DAYS, DEFAULT_ROLLUP_RETENTION_DAYS, applyRetention } from '../../lib/db/rollups/apply-retention.ts';
import { rollUpSamples } from '../../lib/db/rollups/roll-up-samples.ts';
import { bucketStart } from '../../lib/db/rollups/rollup-metrics.ts';
import type { RollupResolution } from '../../lib/db/rollups/rollup-metrics.ts';
import { ensureRollupPartitions, nextUtcMonth } from '../../lib/db/rollups/rollup-partitions.ts';
import { readRollupProgress, recordRollupProgress } from '../../lib/db/rollups/rollup-progress.ts';
import type { Logger } from '../../lib/log.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
// Several writers may run the job; one pass at a time does the work, the others skip it.
const MAINTENANCE_LOCK_KEY = 0x76696752;

export interface MaintenanceOptions {
  db: VigilDb;
  log: Logger;
  rawRetentionDays?: number;
  rollupRetentionDays?: number;
  /** How often closed minutes are rolled up. */
  intervalMs?: number;
  /** When the first pass runs, after start. */
  firstPassDelayMs?: number;
  /** How often retention runs (the first time: at the first pass). */
  retentionIntervalMs?: number;
  /** Each pass rolls up the minutes this far before the last mark again, for late samples. */
  lateMs?: number;
  /** Most raw time one transaction rolls up, so that catching up never holds one huge transaction. */
  chunkMs?: number;
  /** Whether closed hours move into sample_chunks once the rollups are past them (default true). */
  compaction?: boolean;
  /** Most time one pass spends compacting (the first pass after an upgrade has days to do); the next goes on. */
  compactionBudgetMs?: number;
  now?: () => number;
}

export interface MaintenancePass {
  /** Buckets written (new or changed) per resolution. */
  buckets: Record<RollupResolution, number>;
  /** Partitions dropped by retention, when it ran. */
  dropped: string[] | null;
  /** What compaction did, when it ran (once per newly closed hour). */
  compacted: CompactHistoryResult | null;
  /** False when another writer held the job's lock. */
  ran: boolean;
}

export interface Maintenance {
  /** Runs a pass now (after the one in flight, if any). */
  runOnce(): Promise<MaintenancePass>;
  /** Stops the timer, and waits for the pass in flight, which stops at its next chunk. */
  stop(): Promise<void>;
}

export function startMaintenance(options: MaintenanceOptions): Maintenance {
  const { db, log } = options;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? MINUTE_MS;
  const retentionIntervalMs = options.retentionIntervalMs ?? HOUR_MS;
  const lateMs = options.lateMs ?? 5 * MINUTE_MS;
  const chunkMs = options.chunkMs ?? HOUR_MS;
  const rawDays = options.rawRetentionDays ?? DEFAULT_RAW_RETENTION_DAYS;
  const rollupDays = options.rollupRetentionDays ?? DEFAULT_ROLLUP_RETENTION_DAYS;

  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let lastRetentionAt = -Infinity;
  let compactedBefore = -Infinity;
  let warned = false;

  const pass = async (): Promise<MaintenancePass> => {
    const at = now();
    const result: MaintenancePass = { buckets: { '1m': 0, '1h': 0 }, dropped: null, compacted: null, ran: true };
    const progress = await readRollupProgress(db);
    // Nothing rolled up yet: start with the oldest raw partition, or wait for one to exist.
    const oldest = (await listSamplePartitions(db))[0];
    const firstMs = oldest === undefined ? null : Math.max(partitionStart(oldest), at - rawDays * DAY_MS);
    const closedMinute = bucketStart('1m', at);
    const closedHour = bucketStart('1h', at);

    const minuteFrom = progress['1m'] !== null ? progress['1m'] - lateMs : firstMs;
    if (minuteFrom !== null) {
      // A newly closed hour re-rolls its minutes too, for samples later than lateMs.
      const hourClosed = progress['1h'] === null || closedHour > progress['1h'];
      const from = hourClosed ? Math.min(minuteFrom, closedHour - HOUR_MS) : minuteFrom;
      const written = await rollUp('1m', from, closedMinute);
      if (written === null) return { ...result, ran: false };
      result.buckets['1m'] = written;
    }
    const hourFrom = progress['1h'] !== null ? progress['1h'] - HOUR_MS : firstMs;
    if (hourFrom !== null && (progress['1h'] === null || closedHour > progress['1h'])) {
      const written = await rollUp('1h', hourFrom, closedHour);
      if (written === null) return { ...result, ran: false };
      result.buckets['1h'] = written;
    }
    const horizon = compactionHorizon(await readRollupProgress(db), lateMs);
    if (options.compaction !== false && !stopping && horizon !== null && horizon > compactedBefore) {
      const until = performance.now() + (options.compactionBudgetMs ?? 20_000);
      result.compacted = await compactHistory(db, { beforeMs: horizon, shouldStop: () => stopping || performance.now() > until });
      if (result.compacted.complete) compactedBefore = horizon;
      if (result.compacted.partitions.length > 0) log.info('compaction emptied partitions', { partitions: result.compacted.partitions });
    }
    if (!stopping && at - lastRetentionAt >= retentionIntervalMs) {
      const dropped = await applyRetention(db, { rawDays, rollupDays, now: at });
      lastRetentionAt = at;
      result.dropped = [...dropped.raw, ...dropped.rollups];
      if (result.dropped.length > 0) log.info('retention dropped partitions', { partitions: result.dropped });
      if (Object.values(dropped.records).some((n) => n > 0)) log.info('retention deleted old records', { ...dropped.records });
    }
    return result;
  };

  /** Buckets written, or null when another writer holds the lock. */
  const rollUp = async (resolution: RollupResolution, fromMs: number, toMs: number): Promise<number | null> => {
    if (toMs <= fromMs) return 0;
    const created = await ensureRollupPartitions(db, resolution, fromMs, nextUtcMonth(toMs));
    if (created.length > 0) log.info('created rollup partitions', { partitions: created });
    let written = 0;
    for (let chunkFrom = fromMs; chunkFrom < toMs && !stopping; chunkFrom += chunkMs) {
      const chunkTo = Math.min(toMs, chunkFrom + chunkMs);
      const done = await db.transaction().execute(async (trx) => {
        const lock = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${MAINTENANCE_LOCK_KEY}) AS locked`.execute(trx);
        if (lock.rows[0]?.locked !== true) return false;
        written += await rollUpSamples(trx, { resolution, fromMs: chunkFrom, toMs: chunkTo });
        await recordRollupProgress(trx, resolution, chunkTo);
        return true;
      });
      if (!done) return null;
    }
    return written;
  };

  // Passes run one after another: a pass asked for while one runs waits for it.
  let queue: Promise<unknown> = Promise.resolve();
  const runOnce = (): Promise<MaintenancePass> => {
    const next = queue.then(pass).then(
      (result) => {
        warned = false;
        return result;
      },
      (error: unknown) => {
        // Once per outage: a database that is down would otherwise be reported every pass.
        if (!warned) log.warn('history maintenance (rollups, retention) failed; trying again next pass', { error });
        warned = true;
        throw error;
      },
    );
    queue = next.catch(() => {});
    return next;
  };

  const schedule = (delayMs: number): void => {
    if (stopping) return;
    timer = setTimeout(() => {
      timer = undefined;
      void runOnce()
        .catch(() => {})
        .finally(() => schedule(intervalMs));
    }, delayMs);
  };
  schedule(options.firstPassDelayMs ?? 0);

  return {
    runOnce,
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      await queue;
    },
  };
}

function partitionStart(name: string): number {
  const match = /^samples_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Infinity;
}
