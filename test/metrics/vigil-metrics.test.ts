import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import { createVigilMetrics } from '../../lib/metrics/vigil-metrics.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollFailure, PollResult, PollSuccess } from '../../lib/poll/poll-messages.ts';
import { startScheduler } from '../../services/scheduler/scheduler-service.ts';
import { startWriter } from '../../services/writer/writer-service.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';
import { parsePrometheusText, valueOf } from './prometheus-text.ts';
import type { PromSample } from './prometheus-text.ts';
import { testSample } from '../support/test-samples.ts';

let testDb: TestDatabase;

before(async () => {
  testDb = await createTestDatabase('postgres');
});

after(async () => {
  await testDb?.close();
});

async function read(metrics: ReturnType<typeof createVigilMetrics>): Promise<PromSample[]> {
  return parsePrometheusText(await metrics.registry.metrics());
}

const sample = testSample;

function success(host: string, seq: number, finishedAt: number): PollSuccess {
  return { kind: 'sample', host, seq, scheduledAt: finishedAt - 50, startedAt: finishedAt - 40, finishedAt, sample: sample(host, finishedAt) };
}

function failure(host: string, seq: number, finishedAt: number): PollFailure {
  return { kind: 'failure', reason: 'timeout-connect', message: 'no answer', host, seq, scheduledAt: finishedAt - 50, startedAt: finishedAt - 40, finishedAt };
}

void test('every metric is defined up front, without process metrics when asked', async () => {
  const metrics = createVigilMetrics({ processMetrics: false });
  const text = await metrics.registry.metrics();
  for (const name of [
    'vigil_polls_total', 'vigil_poll_duration_seconds', 'vigil_poll_failures_total', 'vigil_jobs_published_total', 'vigil_jobs_skipped_total',
    'vigil_jobs_lost_total', 'vigil_jobs_answered_late_total', 'vigil_write_batch_size', 'vigil_write_duration_seconds', 'vigil_samples_written_total',
    'vigil_inventory_reloads_total', 'vigil_queue_messages', 'vigil_queue_consumers', 'vigil_write_lag_seconds', 'vigil_ssh_connections', 'vigil_ssh_connects_total',
  ]) {
    assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  }
  assert.doesNotMatch(text, /^process_/m);
  const samples = await read(metrics);
  // Before the first write the lag is unknown, not zero.
  assert.ok(Number.isNaN(valueOf(samples, 'vigil_write_lag_seconds')));
  assert.equal(valueOf(samples, 'vigil_inventory_reloads_total', { outcome: 'failed' }), 0);
  assert.ok(Number.isNaN(valueOf(samples, 'vigil_inventory_last_reload_successful')));
  assert.ok(Number.isNaN(valueOf(samples, 'vigil_inventory_last_reload_success_timestamp_seconds')));
});

void test('a failure reason this build does not know counts as error', async () => {
  const metrics = createVigilMetrics({ processMetrics: false });
  const strange = { ...failure('h', 1, Date.now()), reason: 'from-a-newer-worker' } as unknown as PollResult;
  metrics.recordPoll(strange);
  const samples = await read(metrics);
  assert.equal(valueOf(samples, 'vigil_poll_failures_total', { reason: 'error' }), 1);
  assert.equal(samples.filter((s) => s.name === 'vigil_poll_failures_total' && s.labels['reason'] === 'from-a-newer-worker').length, 0);
});

void test('the scheduler counts the jobs it publishes and loses, as its stats do, and its inventory loads', async () => {
  const metrics = createVigilMetrics({ processMetrics: false });
  const bus = new MemoryBus();
  const host: HostTarget = { name: 'h1', connection: 'ssh', address: '127.0.0.1', port: 22, user: 'vigil', privateKeyFile: null, intervalSec: 1, groups: [] };
  let broken = false;
  const scheduler = await startScheduler({
    bus,
    log: silentLogger,
    metrics,
    loadTargets: async () => {
      if (broken) throw new Error('inventory broken');
      return [host];
    },
  });
  try {
    // No worker answers: each job expires unanswered and counts as lost when the next is due.
    await waitFor('a lost job', 10_000, () => (scheduler.stats().lost >= 1 ? true : undefined));
    await scheduler.stop();
    const stats = scheduler.stats();
    const samples = await read(metrics);
    assert.equal(valueOf(samples, 'vigil_jobs_published_total'), stats.published);
    assert.equal(valueOf(samples, 'vigil_jobs_lost_total'), stats.lost);
    assert.equal(valueOf(samples, 'vigil_jobs_answered_late_total'), stats.answeredLate);
    assert.equal(valueOf(samples, 'vigil_jobs_skipped_total'), stats.skipped);
    assert.equal(valueOf(samples, 'vigil_jobs_publish_failed_total'), stats.publishFailed);
    assert.ok(stats.published >= 2);
  } finally {
    await scheduler.stop();
  }
  // Reloads on a stopped scheduler do nothing; a fresh one shows a good and a failed reload.
  const again = await startScheduler({ bus, log: silentLogger, metrics, loadTargets: async () => {
    if (broken) throw new Error('inventory broken');
    return [host];
  } });
  let failedAt: PromSample[];
  let goodSince = 0;
  try {
    broken = true;
    await again.reload();
    failedAt = await read(metrics);
    broken = false;
    goodSince = Date.now();
    await again.reload();
  } finally {
    await again.stop();
    await bus.close();
  }
  const samples = await read(metrics);
  assert.equal(valueOf(samples, 'vigil_inventory_reloads_total', { outcome: 'ok' }), 3);
  assert.equal(valueOf(samples, 'vigil_inventory_reloads_total', { outcome: 'failed' }), 1);
  // As Prometheus' prometheus_config_last_reload_successful: 0 while the last load failed, 1 again after a good one.
  assert.equal(valueOf(failedAt, 'vigil_inventory_last_reload_successful'), 0);
  assert.equal(valueOf(samples, 'vigil_inventory_last_reload_successful'), 1);
  const goodAt = valueOf(samples, 'vigil_inventory_last_reload_success_timestamp_seconds') ?? 0;
  assert.ok(goodAt >= goodSince / 1000 && goodAt <= Date.now() / 1000, `${goodAt}`);
  assert.ok((valueOf(failedAt, 'vigil_inventory_last_reload_success_timestamp_seconds') ?? 0) <= goodAt);
});

void test('the writer counts batches, samples and their durations, and the lag of the newest result', async () => {
  let clock = Date.now();
  const metrics = createVigilMetrics({ processMetrics: false, now: () => clock });
  const bus = new MemoryBus();
  const writer = await startWriter({ bus, db: testDb.db, log: silentLogger, metrics, maintenance: false, flushIntervalMs: 20 });
  const newest = clock - 2000;
  try {
    await bus.publish('poll.results', success('w1', 1, newest - 1000));
    await bus.publish('poll.results', success('w2', 1, newest));
    await bus.publish('poll.results', failure('w3', 1, newest - 500));
    await waitFor('three results written', 30_000, async () => (valueOf(await read(metrics), 'vigil_results_written_total') === 3 ? true : undefined));
  } finally {
    await writer.stop();
    await bus.close();
  }
  const rows = await testDb.db.selectFrom('samples').select('host').where('host', 'in', ['w1', 'w2']).execute();
  assert.equal(rows.length, 2);

  clock += 500;
  const samples = await read(metrics);
  assert.equal(valueOf(samples, 'vigil_samples_written_total'), 2);
  assert.equal(valueOf(samples, 'vigil_write_batch_size_sum'), 3);
  const batches = valueOf(samples, 'vigil_write_batch_size_count');
  assert.ok(batches !== undefined && batches >= 1 && batches <= 3);
  assert.equal(valueOf(samples, 'vigil_write_duration_seconds_count'), batches);
  assert.ok((valueOf(samples, 'vigil_write_duration_seconds_sum') ?? 0) > 0);
  // The newest result finished 2 s before the write, and the scrape comes 0.5 s later.
  assert.equal(valueOf(samples, 'vigil_write_lag_seconds'), 2.5);
});
