import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../lib/bus/message-bus.ts';
import { createLogger, silentLogger } from '../../lib/log.ts';
import { startMetricsServer } from '../../lib/metrics/metrics-server.ts';
import type { MetricsServer } from '../../lib/metrics/metrics-server.ts';
import { createVigilMetrics } from '../../lib/metrics/vigil-metrics.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollJob, PollResult } from '../../lib/poll/poll-messages.ts';
import { startWorker } from '../../services/worker/worker-service.ts';
import type { Worker } from '../../services/worker/worker-service.ts';
import { findRefusedPort } from '../support/sshd.ts';
import { waitFor } from '../support/wait-for.ts';
import { scrape, valueOf } from './prometheus-text.ts';

const metrics = createVigilMetrics();
let server: MetricsServer;
let bus: MemoryBus;
let worker: Worker;
let results: Subscription;
const seen: PollResult[] = [];

const local: HostTarget = { name: 'local', connection: 'local', address: 'localhost', port: 22, user: 'root', privateKeyFile: null, intervalSec: 10, groups: [] };

before(async () => {
  server = await startMetricsServer({ registry: metrics.registry, host: '127.0.0.1', port: 0, log: silentLogger });
  bus = new MemoryBus();
  results = await bus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 100 }, async (result) => {
    seen.push(result);
  });
  worker = await startWorker({ bus, log: silentLogger, metrics, primeDelayMs: 0, connectTimeoutMs: 3000 });
});

after(async () => {
  await worker.stop();
  await results.close();
  await bus.close();
  await server.close();
});

let seq = 0;
async function poll(target: HostTarget): Promise<PollResult> {
  const now = Date.now();
  const job: PollJob = { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
  await bus.publish('poll.jobs', job);
  return waitFor(`the result of ${target.name}#${job.seq}`, 30_000, () => seen.find((r) => r.host === target.name && r.seq === job.seq));
}

void test('a worker polling a local host counts its polls and their durations, scraped over HTTP', async () => {
  const first = await poll(local);
  const second = await poll(local);
  assert.equal(first.kind, 'sample');
  assert.equal(second.kind, 'sample');

  const samples = await scrape(server.url);
  assert.equal(valueOf(samples, 'vigil_polls_total', { outcome: 'sample' }), 2);
  assert.equal(valueOf(samples, 'vigil_polls_total', { outcome: 'failure' }), 0);
  assert.equal(valueOf(samples, 'vigil_poll_duration_seconds_count', { outcome: 'sample' }), 2);
  assert.equal(valueOf(samples, 'vigil_poll_duration_seconds_bucket', { outcome: 'sample', le: '+Inf' }), 2);
  const expectedSum = [first, second].reduce((sum, r) => sum + (r.finishedAt - r.startedAt) / 1000, 0);
  const sum = valueOf(samples, 'vigil_poll_duration_seconds_sum', { outcome: 'sample' });
  assert.ok(sum !== undefined && Math.abs(sum - expectedSum) < 1e-9, `sum ${sum} vs ${expectedSum}`);
  // prom-client's process metrics come along.
  assert.ok((valueOf(samples, 'process_cpu_user_seconds_total') ?? 0) > 0);
});

void test('a failed poll is counted under its reason; every other reason shows at 0', async () => {
  const refused: HostTarget = { ...local, name: 'refused', connection: 'ssh', address: '127.0.0.1', port: await findRefusedPort(), user: 'nobody', password: 'unused', hostKeyChecking: 'off' };
  const result = await poll(refused);
  assert.equal(result.kind, 'failure');
  assert.equal(result.kind === 'failure' ? result.reason : null, 'refused');

  const samples = await scrape(server.url);
  assert.equal(valueOf(samples, 'vigil_polls_total', { outcome: 'failure' }), 1);
  assert.equal(valueOf(samples, 'vigil_poll_failures_total', { reason: 'refused' }), 1);
  assert.equal(valueOf(samples, 'vigil_poll_failures_total', { reason: 'auth-failed' }), 0);
  assert.equal(valueOf(samples, 'vigil_poll_duration_seconds_count', { outcome: 'failure' }), 1);
});

void test('/healthz answers ok; other paths 404; other methods 405', async () => {
  const health = await fetch(server.url.replace('/metrics', '/healthz'));
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  const missing = await fetch(server.url.replace('/metrics', '/nope'));
  assert.equal(missing.status, 404);
  await missing.text();
  const post = await fetch(server.url, { method: 'POST' });
  assert.equal(post.status, 405);
  await post.text();
  const metricsResponse = await fetch(server.url);
  assert.match(metricsResponse.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  await metricsResponse.text();
});

void test('a taken port: an explicit one fails the start, a default one falls back to a free port with a warning', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as { port: number }).port;
  try {
    await assert.rejects(
      startMetricsServer({ registry: metrics.registry, host: '127.0.0.1', port: taken, log: silentLogger }),
      new RegExp(`cannot serve /metrics on 127\\.0\\.0\\.1:${taken}: .*EADDRINUSE`),
    );
    const lines: string[] = [];
    const fallback = await startMetricsServer({
      registry: metrics.registry,
      host: '127.0.0.1',
      port: taken,
      freePortIfTaken: true,
      log: createLogger({}, { write: (line) => lines.push(line) }),
    });
    try {
      assert.notEqual(fallback.port, taken);
      assert.ok(lines.some((line) => JSON.parse(line).level === 'warn' && JSON.parse(line).port === fallback.port), lines.join('\n'));
      assert.ok(valueOf(await scrape(fallback.url), 'vigil_polls_total', { outcome: 'sample' }) !== undefined);
    } finally {
      await fallback.close();
    }
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

void test('close() returns although a scraper keeps its connection alive', async () => {
  const extra = await startMetricsServer({ registry: metrics.registry, host: '127.0.0.1', port: 0, log: silentLogger });
  const response = await fetch(extra.url, { headers: { connection: 'keep-alive' } });
  await response.text();
  await extra.close();
  await assert.rejects(fetch(extra.url));
});
