import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { silentLogger } from '../../lib/log.ts';
import { createQueueInspector, knownQueueNames, readQueueStats } from '../../lib/metrics/amqp-queue-stats.ts';
import { createVigilMetrics } from '../../lib/metrics/vigil-metrics.ts';
import { findRefusedPort } from '../support/sshd.ts';
import { parsePrometheusText, valueOf } from './prometheus-text.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const prefix = `vigil-metrics-${randomBytes(4).toString('hex')}`;
const [writerQueue, evaluatorQueue, alerterQueue] = knownQueueNames(prefix) as [string, string, string];
let connection: ChannelModel;

before(async () => {
  connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(writerQueue, { durable: true });
  for (let i = 0; i < 5; i++) channel.sendToQueue(writerQueue, Buffer.from(JSON.stringify({ i })), { persistent: true });
  await channel.waitForConfirms();
  await channel.close();
});

after(async () => {
  const channel = await connection.createChannel();
  await channel.deleteQueue(writerQueue);
  await channel.close();
  await connection.close();
});

void test('the known queues are the durable ones, named after the prefix', () => {
  assert.deepEqual(knownQueueNames('vigil'), ['vigil.poll.results.writer', 'vigil.poll.results.evaluator', 'vigil.alert.events.alerter']);
});

void test('a durable queue with 5 messages and no consumer reads as 5 and 0; missing queues as absent', async () => {
  const stats = await readQueueStats(connection, [evaluatorQueue, writerQueue, alerterQueue]);
  assert.deepEqual(stats, [
    { queue: evaluatorQueue, exists: false, messages: 0, consumers: 0 },
    { queue: writerQueue, exists: true, messages: 5, consumers: 0 },
    { queue: alerterQueue, exists: false, messages: 0, consumers: 0 },
  ]);
  // The passive check created nothing.
  const after = await readQueueStats(connection, [evaluatorQueue]);
  assert.equal(after[0]?.exists, false);
});

void test('the queue gauges read RabbitMQ on scrape, and show a consumer once one attaches', async () => {
  const metrics = createVigilMetrics({ processMetrics: false });
  const inspector = createQueueInspector({ url: AMQP_URL, log: silentLogger });
  const consumerChannel = await connection.createChannel();
  try {
    metrics.watchQueues(() => inspector.read(knownQueueNames(prefix)));
    let samples = parsePrometheusText(await metrics.registry.metrics());
    assert.equal(valueOf(samples, 'vigil_queue_messages', { queue: writerQueue }), 5);
    assert.equal(valueOf(samples, 'vigil_queue_consumers', { queue: writerQueue }), 0);
    // A queue that does not exist is not exported (rather than exported as an empty queue).
    assert.equal(valueOf(samples, 'vigil_queue_messages', { queue: alerterQueue }), undefined);

    await consumerChannel.prefetch(1);
    await consumerChannel.consume(writerQueue, () => {}, { noAck: false });
    // The gauges of one scrape share a read for a second; the next scrape after that reads again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    samples = parsePrometheusText(await metrics.registry.metrics());
    assert.equal(valueOf(samples, 'vigil_queue_consumers', { queue: writerQueue }), 1);
    // One message is with the consumer, unacknowledged: no longer ready.
    assert.equal(valueOf(samples, 'vigil_queue_messages', { queue: writerQueue }), 4);
  } finally {
    await consumerChannel.close();
    await inspector.close();
  }
});

void test('an unreachable broker leaves the queue gauges empty, and the scrape still answers', async () => {
  const metrics = createVigilMetrics({ processMetrics: false });
  const inspector = createQueueInspector({ url: `amqp://guest:guest@127.0.0.1:${await findRefusedPort()}`, log: silentLogger, timeoutMs: 2000 });
  try {
    metrics.watchQueues(() => inspector.read([writerQueue]));
    const samples = parsePrometheusText(await metrics.registry.metrics());
    assert.equal(samples.filter((s) => s.name === 'vigil_queue_messages').length, 0);
    assert.ok(valueOf(samples, 'vigil_polls_total', { outcome: 'sample' }) !== undefined);
    await assert.rejects(inspector.read([writerQueue]), /ECONNREFUSED/);
  } finally {
    await inspector.close();
  }
});
