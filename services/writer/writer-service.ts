// Stores poll results in batches. A message is acknowledged only once the transaction holding
// it has committed, so a crash loses nothing: unacknowledged results are redelivered, and
// applyPollResults stores a redelivered result once. On PostgreSQL a batch's samples go in by
// COPY within that transaction (lib/db/queries/store-samples.ts), on PGlite by INSERT.
import type { MessageBus, Subscription } from '../../lib/bus/message-bus.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { ensureSamplePartitions, startOfUtcDay } from '../../lib/db/ensure-sample-partitions.ts';
import { applyPollResults } from '../../lib/db/queries/apply-poll-results.ts';
import type { Logger } from '../../lib/log.ts';
import { processMetrics } from '../../lib/metrics/vigil-metrics.ts';
import type { VigilMetrics } from '../../lib/metrics/vigil-metrics.ts';
import type { PollResult } from '../../lib/poll/poll-messages.ts';
import { startMaintenance } from './maintenance.ts';
import { recordServiceBeats } from './service-beat-recorder.ts';
import type { MaintenanceOptions } from './maintenance.ts';

export interface WriterOptions {
  bus: MessageBus;
  db: VigilDb;
  log: Logger;
  /** Most results per transaction. */
  batchSize?: number;
  /** How long the first result of a batch waits for company before the batch is written. */
  flushIntervalMs?: number;
  /** Consecutive failed polls after which a host is down. */
  downAfter?: number;
  /** Attempts at writing one batch before its messages are given back to the bus. */
  maxAttempts?: number;
  /** Delay before the first retry; doubles per attempt up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Rollups and retention (./maintenance.ts), tuned; false: not in this writer. */
  maintenance?: Omit<MaintenanceOptions, 'db' | 'log'> | false;
  /** Where batches are counted; default this process's registry. */
  metrics?: VigilMetrics;
}

export interface Writer {
  /** Stops taking results, writes those pending, and waits until they are settled. */
  stop(): Promise<void>;
}

interface Pending {
  result: PollResult;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const DAY_MS = 86_400_000;

export async function startWriter(options: WriterOptions): Promise<Writer> {
  const { bus, db, log } = options;
  const batchSize = options.batchSize ?? 500;
  const flushIntervalMs = options.flushIntervalMs ?? 200;
  const downAfter = options.downAfter ?? 3;
  const maxAttempts = options.maxAttempts ?? 10;
  const retryDelayMs = options.retryDelayMs ?? 250;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  const metrics = options.metrics ?? processMetrics();

  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushDue = false;
  let flushing: Promise<void> | undefined;
  let stopping = false;
  // Days whose partition is known to exist: checking per batch would cost a query per batch.
  const ensuredDays = new Set<number>();

  const requestFlush = (): void => {
    flushDue = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (flushing) return;
    flushing = runFlushes()
      .catch((error: unknown) => log.error('writer flush failed unexpectedly', { error }))
      .finally(() => {
        flushing = undefined;
        // A flush requested between the loop's last check and now would otherwise wait forever.
        if (flushDue && pending.length > 0) requestFlush();
      });
  };

  // One flush at a time: a batch that fills while another is being written waits its turn.
  const runFlushes = async (): Promise<void> => {
    while (flushDue && pending.length > 0) {
      flushDue = false;
      const batch = pending.slice(0, batchSize);
      pending = pending.slice(batchSize);
      if (pending.length >= batchSize || (stopping && pending.length > 0)) flushDue = true;
      else if (pending.length > 0 && !timer) timer = setTimeout(requestFlush, flushIntervalMs);
      await writeBatch(batch);
    }
  };

  const writeBatch = async (batch: Pending[]): Promise<void> => {
    const results = batch.map((entry) => entry.result);
    for (let attempt = 1; ; attempt++) {
      try {
        const startedAt = performance.now();
        await ensurePartitionsFor(results);
        await applyPollResults(db, results, { downAfter });
        metrics.recordWrite(results, (performance.now() - startedAt) / 1000);
        for (const entry of batch) entry.resolve();
        if (attempt > 1) log.info('stored poll results after retrying', { results: results.length, attempt });
        return;
      } catch (error) {
        if (attempt >= maxAttempts) {
          log.error('giving poll results back to the bus: storing them failed', { results: results.length, attempt, error });
          for (const entry of batch) entry.reject(error);
          return;
        }
        const delay = Math.min(maxRetryDelayMs, retryDelayMs * 2 ** (attempt - 1));
        log.warn('storing poll results failed; retrying', { results: results.length, attempt, retryInMs: delay, error });
        // Retried here rather than rejected: a rejected message would come straight back and
        // spin through the broker for as long as the database is down.
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const ensurePartitionsFor = async (results: PollResult[]): Promise<void> => {
    const today = startOfUtcDay(Date.now());
    for (const result of results) {
      if (result.kind !== 'sample') continue;
      const day = startOfUtcDay(result.sample.ts);
      // Only days near now get a partition; a sample from a wild clock lands in the default one.
      if (ensuredDays.has(day) || day < today - DAY_MS || day > today + 2 * DAY_MS) continue;
      const created = await ensureSamplePartitions(db, day, 1);
      if (created.length > 0) log.info('created sample partitions', { partitions: created });
      ensuredDays.add(day);
      ensuredDays.add(day + DAY_MS);
    }
  };

  const subscription: Subscription = await bus.subscribe(
    'poll.results',
    { name: 'writer', durable: true, prefetch: 2 * batchSize },
    (result) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ result, resolve, reject });
        if (pending.length >= batchSize || stopping) requestFlush();
        else if (!timer && !flushDue) timer = setTimeout(requestFlush, flushIntervalMs);
      }),
  );
  const beats = await recordServiceBeats({ bus, db, log });
  const maintenance = options.maintenance === false ? null : startMaintenance({ db, log, ...options.maintenance });
  log.info('writer started', { batchSize, flushIntervalMs, downAfter });

  return {
    stop: async () => {
      stopping = true;
      // close() waits for the handlers in flight, which settle only when their batch is written.
      const closing = subscription.close();
      requestFlush();
      await closing;
      while (pending.length > 0 || flushing) {
        if (pending.length > 0) requestFlush();
        await flushing;
      }
      if (timer) clearTimeout(timer);
      await beats.close();
      await maintenance?.stop();
      log.info('writer stopped');
    },
  };
}
