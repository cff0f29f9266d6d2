// Every metric Vigil exports, defined in one place, on one registry per process: in `vigil up`
// all services share it and the web server serves it; in a fleet each process serves its own.
// Services call the record* functions below; label children are created here once, so a poll
// or a batch never builds a label object.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { FAILURE_REASONS } from '../poll/poll-messages.ts';
import type { FailureReason, PollResult } from '../poll/poll-messages.ts';
import type { QueueStat } from './amqp-queue-stats.ts';

export interface VigilMetrics {
  registry: Registry;
  /** Worker: one poll done (its result is about to be published). */
  recordPoll(result: PollResult): void;
  /** Scheduler: a poll job the bus accepted, skipped (previous still in flight), lost (expired without a result), or refused. */
  jobPublished(): void;
  jobSkipped(): void;
  jobLost(): void;
  /** Scheduler: a lost job's result came after all (its host is slower than its interval). */
  jobAnsweredLate(): void;
  jobPublishFailed(): void;
  /** Scheduler: the inventory was (re)loaded, or a reload failed and the last good hosts stay. */
  inventoryReloaded(ok: boolean): void;
  /** Writer: one batch committed, and how long its transaction took. */
  recordWrite(results: readonly PollResult[], seconds: number): void;
  /** Where the queue gauges come from, read on each scrape; null: no queue gauges. */
  watchQueues(read: (() => Promise<QueueStat[]>) | null): void;
  /** Worker: where the SSH connection gauges come from, read on each scrape; null: none (no worker here). */
  watchSshConnections(read: (() => SshConnectionCounts) | null): void;
}

/** A worker's SSH pool as a scrape sees it. */
export interface SshConnectionCounts {
  /** Hosts with a connection ready for polls. */
  open: number;
  /** Hosts whose connection is being opened (TCP, handshake, authentication). */
  connecting: number;
  /** Connections started since the worker started, each one a connection attempt a host's sshd counts. */
  started: number;
}

export interface VigilMetricsOptions {
  /** prom-client's process metrics (CPU, memory, event loop lag, GC, handles); default true. */
  processMetrics?: boolean;
  /** The clock of the write lag, in milliseconds since the epoch. */
  now?: () => number;
}

// A poll is a shell script over SSH: milliseconds on a LAN, seconds over a bastion, 10 s at the exec timeout.
const POLL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_SIZE_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];
const WRITE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Two scrapes this close together (the two queue gauges of one scrape) share one read of the broker. */
const QUEUE_READ_REUSE_MS = 1000;

export function createVigilMetrics(options: VigilMetricsOptions = {}): VigilMetrics {
  const registry = new Registry();
  const registers = [registry];
  const now = options.now ?? Date.now;
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  // Polls are counted in plain numbers and added to the counter when it is read (a scrape):
  // prom-client's inc() builds a label key and a list of all its values on each call, and the
  // worker counts thousands of polls a second.
  const unreadPolls = { sample: 0, failure: 0 };
  const polls = new Counter({
    name: 'vigil_polls_total',
    help: 'Polls done by this worker, by outcome (sample or failure).',
    labelNames: ['outcome'],
    registers,
    collect() {
      if (unreadPolls.sample > 0) pollsBy.sample.inc(unreadPolls.sample);
      if (unreadPolls.failure > 0) pollsBy.failure.inc(unreadPolls.failure);
      unreadPolls.sample = 0;
      unreadPolls.failure = 0;
    },
  });
  const pollDuration = new Histogram({
    name: 'vigil_poll_duration_seconds',
    help: 'Time from starting a poll to having its result, by outcome.',
    labelNames: ['outcome'],
    buckets: POLL_BUCKETS,
    registers,
  });
  const failures = new Counter({ name: 'vigil_poll_failures_total', help: 'Failed polls by reason (refused, timeout-connect, auth-failed, ...).', labelNames: ['reason'], registers });
  const published = new Counter({ name: 'vigil_jobs_published_total', help: 'Poll jobs the message bus accepted.', registers });
  const skipped = new Counter({ name: 'vigil_jobs_skipped_total', help: 'Due polls not published because the host\'s previous job was still in flight.', registers });
  const lost = new Counter({ name: 'vigil_jobs_lost_total', help: 'Poll jobs that expired without a result.', registers });
  const answeredLate = new Counter({
    name: 'vigil_jobs_answered_late_total',
    help: 'Lost poll jobs whose result came after all (hosts slower than their interval); lost minus these expired unread in a queue (workers overloaded).',
    registers,
  });
  const publishFailed = new Counter({ name: 'vigil_jobs_publish_failed_total', help: 'Poll jobs the message bus refused (retried at the next due time).', registers });
  const reloads = new Counter({ name: 'vigil_inventory_reloads_total', help: 'Inventory loads, by outcome (ok, or failed: the last good hosts stay polled).', labelNames: ['outcome'], registers });
  // As Prometheus' own prometheus_config_last_reload_successful and _success_timestamp_seconds: what
  // an alert on a failing inventory (an inventory script whose cloud API refuses) is written on.
  let lastReloadOk: boolean | null = null;
  let lastGoodReloadAt: number | null = null;
  new Gauge({
    name: 'vigil_inventory_last_reload_successful',
    help: 'Whether the last inventory load succeeded, 1 or 0 (NaN before the first); while 0 the last good hosts stay polled.',
    registers,
    collect() {
      this.set(lastReloadOk === null ? Number.NaN : lastReloadOk ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vigil_inventory_last_reload_success_timestamp_seconds',
    help: 'When the inventory was last loaded successfully, in seconds since the epoch (NaN before the first).',
    registers,
    collect() {
      this.set(lastGoodReloadAt === null ? Number.NaN : lastGoodReloadAt / 1000);
    },
  });
  const batchSize = new Histogram({ name: 'vigil_write_batch_size', help: 'Poll results per committed write transaction.', buckets: BATCH_SIZE_BUCKETS, registers });
  const writeDuration = new Histogram({ name: 'vigil_write_duration_seconds', help: 'Duration of one committed write transaction.', buckets: WRITE_BUCKETS, registers });
  const samplesWritten = new Counter({ name: 'vigil_samples_written_total', help: 'Samples stored in the database.', registers });
  const resultsWritten = new Counter({ name: 'vigil_results_written_total', help: 'Poll results (samples and failures) stored in the database.', registers });

  let newestWrittenAt: number | null = null;
  new Gauge({
    name: 'vigil_write_lag_seconds',
    help: 'Age of the newest poll result this writer has stored (NaN before the first): grows when the writer or the polling falls behind.',
    registers,
    collect() {
      this.set(newestWrittenAt === null ? Number.NaN : Math.max(0, (now() - newestWrittenAt) / 1000));
    },
  });

  let readQueues: (() => Promise<QueueStat[]>) | null = null;
  let lastRead: { at: number; stats: Promise<QueueStat[]> } | null = null;
  const queueStats = (): Promise<QueueStat[]> => {
    if (!readQueues) return Promise.resolve([]);
    const at = Date.now();
    if (!lastRead || at - lastRead.at > QUEUE_READ_REUSE_MS) {
      // A broker that does not answer leaves the gauges empty for this scrape, not the scrape failed.
      lastRead = { at, stats: readQueues().catch(() => []) };
    }
    return lastRead.stats;
  };
  new Gauge({
    name: 'vigil_queue_messages',
    help: 'Messages ready in a RabbitMQ queue (a backlog when it grows).',
    labelNames: ['queue'],
    registers,
    async collect() {
      const stats = await queueStats();
      this.reset();
      for (const stat of stats) if (stat.exists) this.set({ queue: stat.queue }, stat.messages);
    },
  });
  new Gauge({
    name: 'vigil_queue_consumers',
    help: 'Consumers of a RabbitMQ queue (0: nobody takes its messages).',
    labelNames: ['queue'],
    registers,
    async collect() {
      const stats = await queueStats();
      this.reset();
      for (const stat of stats) if (stat.exists) this.set({ queue: stat.queue }, stat.consumers);
    },
  });

  // A cold start opens thousands of connections at the pacing's rate (VIGIL_SSH_CONNECT_RATE): these
  // show how far it got, and a count of attempts that keeps growing shows hosts that never connect.
  let readSsh: (() => SshConnectionCounts) | null = null;
  new Gauge({
    name: 'vigil_ssh_connections',
    help: 'Hosts this worker has an SSH connection to, by state (open: ready for polls; connecting: being opened).',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      if (readSsh === null) return;
      const counts = readSsh();
      this.set({ state: 'open' }, counts.open);
      this.set({ state: 'connecting' }, counts.connecting);
    },
  });
  let sshStartedReported = 0;
  const sshConnects = new Counter({
    name: 'vigil_ssh_connects_total',
    help: 'SSH connections this worker started (hosts and bastions): what sshd\'s MaxStartups and fail2ban count.',
    registers,
    collect() {
      if (readSsh === null) return;
      const started = readSsh().started;
      if (started > sshStartedReported) sshConnects.inc(started - sshStartedReported);
      sshStartedReported = started;
    },
  });

  const pollsBy = { sample: polls.labels('sample'), failure: polls.labels('failure') };
  const durationBy = { sample: pollDuration.labels('sample'), failure: pollDuration.labels('failure') };
  const failuresBy = new Map<string, Counter.Internal>();
  // Created up front so that every reason shows (at 0) before it first happens.
  for (const reason of FAILURE_REASONS) failuresBy.set(reason, failures.labels(reason));
  const otherFailure = failuresBy.get('error' satisfies FailureReason)!;
  const reloadsBy = { ok: reloads.labels('ok'), failed: reloads.labels('failed') };
  for (const child of [pollsBy.sample, pollsBy.failure, reloadsBy.ok, reloadsBy.failed, ...failuresBy.values()]) child.inc(0);
  for (const outcome of ['sample', 'failure']) pollDuration.zero({ outcome });

  return {
    registry,
    recordPoll(result) {
      unreadPolls[result.kind]++;
      durationBy[result.kind].observe(Math.max(0, result.finishedAt - result.startedAt) / 1000);
      // A reason this build does not know counts as 'error', so labels stay a closed set.
      if (result.kind === 'failure') (failuresBy.get(result.reason) ?? otherFailure).inc();
    },
    jobPublished: () => published.inc(),
    jobSkipped: () => skipped.inc(),
    jobLost: () => lost.inc(),
    jobAnsweredLate: () => answeredLate.inc(),
    jobPublishFailed: () => publishFailed.inc(),
    inventoryReloaded(ok) {
      (ok ? reloadsBy.ok : reloadsBy.failed).inc();
      lastReloadOk = ok;
      if (ok) lastGoodReloadAt = now();
    },
    recordWrite(results, seconds) {
      let samples = 0;
      let newest = newestWrittenAt ?? 0;
      for (const result of results) {
        if (result.kind === 'sample') samples++;
        if (result.finishedAt > newest) newest = result.finishedAt;
      }
      if (results.length > 0) newestWrittenAt = newest;
      batchSize.observe(results.length);
      writeDuration.observe(seconds);
      resultsWritten.inc(results.length);
      samplesWritten.inc(samples);
    },
    watchQueues(read) {
      readQueues = read;
      lastRead = null;
    },
    watchSshConnections(read) {
      readSsh = read;
    },
  };
}

let shared: VigilMetrics | null = null;

/** The registry of this process, shared by every service it runs; created on first use. */
export function processMetrics(): VigilMetrics {
  shared ??= createVigilMetrics();
  return shared;
}
