// Packing on the RabbitMQ bus: several bus messages in one AMQP message, transparently to the
// services. The pure parts first, then against the real RabbitMQ at 127.0.0.1:5672.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import type { Channel, ChannelModel, GetMessage } from 'amqplib';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { DEFAULT_PACK_OPTIONS, PACK_HEADER, decodeDelivery, encodePack, packOptionsFromEnv, type PackOptions } from '../../lib/bus/amqp-pack.ts';
import { TOPIC_NAMES, packExpirationFor, routingKeyFor, shardOf } from '../../lib/bus/amqp-topology.ts';
import type { MessageBus, TopicName, Topics } from '../../lib/bus/message-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import type { PollFailure, PollJob, PollResult } from '../../lib/poll/poll-messages.ts';
import { QUIET_MS, collector, delay, openable, pollJob, pollResult } from './bus-contract.ts';
import { waitUntil } from '../support/wait-for.ts';

const BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672';
const PREFIX = `vigil-test-pack-${randomBytes(4).toString('hex')}`;
const usedQueues = new Set<string>();

describe('pack format and settings', () => {
  it('encodes members as one JSON array and decodes packs and single messages', () => {
    const members = [{ a: 1 }, { b: 'x,]' }, [3]].map((m) => Buffer.from(JSON.stringify(m)));
    const body = encodePack(members);
    assert.deepEqual(decodeDelivery(body, { [PACK_HEADER]: 1 }), { kind: 'pack', messages: [{ a: 1 }, { b: 'x,]' }, [3]] });
    // The format before packing: no header, one message, even if it happens to be an array.
    assert.deepEqual(decodeDelivery(Buffer.from('{"a":1}'), undefined), { kind: 'single', message: { a: 1 } });
    assert.deepEqual(decodeDelivery(Buffer.from('[1,2]'), {}), { kind: 'single', message: [1, 2] });
    assert.equal(decodeDelivery(Buffer.from('{"a":1}'), { [PACK_HEADER]: 1 }).kind, 'garbage');
    assert.equal(decodeDelivery(Buffer.from('[1]'), { [PACK_HEADER]: 99 }).kind, 'garbage');
    assert.equal(decodeDelivery(Buffer.from('[1,'), { [PACK_HEADER]: 1 }).kind, 'garbage');
  });

  it('reads the settings from the environment and reports every bad one', () => {
    assert.deepEqual(packOptionsFromEnv({}), DEFAULT_PACK_OPTIONS);
    assert.equal(packOptionsFromEnv({ VIGIL_AMQP_PACK: 'off' }), false);
    assert.deepEqual(packOptionsFromEnv({ VIGIL_AMQP_PACK_WINDOW_MS: '5', VIGIL_AMQP_PACK_JOB_SHARDS: '8' }), {
      ...DEFAULT_PACK_OPTIONS,
      windowMs: 5,
      jobShards: 8,
    });
    assert.throws(() => packOptionsFromEnv({ VIGIL_AMQP_PACK: 'maybe' }), /VIGIL_AMQP_PACK must be on or off/);
    assert.throws(
      () => packOptionsFromEnv({ VIGIL_AMQP_PACK_MAX_MESSAGES: '0', VIGIL_AMQP_PACK_MAX_BYTES: 'lots' }),
      /VIGIL_AMQP_PACK_MAX_MESSAGES.*; VIGIL_AMQP_PACK_MAX_BYTES/,
    );
  });

  it('routes jobs by a stable shard of the host, and fan-out topics by one shared key', () => {
    const job = pollJob('web-17.example', 1);
    const shard = shardOf('web-17.example', 64);
    assert.ok(shard >= 0 && shard < 64);
    assert.equal(routingKeyFor('poll.jobs', job, 64), `shard-${shard}`);
    assert.equal(routingKeyFor('poll.jobs', pollJob('web-17.example', 2), 64), `shard-${shard}`, 'same host, same shard');
    assert.equal(routingKeyFor('poll.results', pollResult('web-17.example', 1), 64), '');
    // Without packing, by host as before.
    assert.equal(routingKeyFor('poll.jobs', job), 'web-17.example');
    // Spread: 2,000 hosts over 64 shards, none empty, none far above its share.
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 2000; i++) counts[shardOf(`s0-host-${i}`, 64)]!++;
    assert.ok(Math.min(...counts) > 0 && Math.max(...counts) < 2 * (2000 / 64), `shard sizes ${counts.join(',')}`);
  });

  it("gives a pack its shortest-lived member's expiration", () => {
    const jobs = [pollJob('a', 1, 9000), pollJob('b', 1, 4000), pollJob('c', 1, 7000)];
    // Read after the jobs are made, each from its own Date.now(): read before, a loaded machine's
    // milliseconds in between made b's 4,000 ms look like 4,006 (seen on CI).
    const now = Date.now();
    const expiration = Number(packExpirationFor('poll.jobs', jobs, now));
    assert.ok(expiration <= 4000 && expiration > 3000, `expiration ${expiration}`);
    assert.equal(packExpirationFor('poll.results', [pollResult('a', 1)], now), undefined);
  });
});

let admin: ChannelModel;

async function withChannel<T>(fn: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await admin.createChannel();
  channel.on('error', () => {});
  try {
    return await fn(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** Takes every AMQP message out of a queue. */
async function drain(queue: string): Promise<GetMessage[]> {
  return withChannel(async (channel) => {
    const got: GetMessage[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (message === false) return got;
      got.push(message);
    }
  });
}

function membersOf(message: GetMessage): unknown[] {
  const decoded = decodeDelivery(message.content, message.properties.headers);
  assert.notEqual(decoded.kind, 'garbage');
  return decoded.kind === 'pack' ? decoded.messages : decoded.kind === 'single' ? [decoded.message] : [];
}

async function createBus(packing: Partial<PackOptions> | false = {}): Promise<MessageBus> {
  const bus = await connectAmqpBus({
    url: BROKER_URL,
    prefix: PREFIX,
    log: silentLogger,
    reconnectDelayMs: 50,
    packing: packing === false ? false : { ...DEFAULT_PACK_OPTIONS, ...packing },
  });
  return {
    publish: (topic, message) => bus.publish(topic, message),
    subscribe: (topic, options, handler) => {
      usedQueues.add(`${PREFIX}.${topic}.${options.name}`);
      return bus.subscribe(topic, options, handler);
    },
    close: () => bus.close(),
  };
}

/** A durable queue on the topic with no consumer, to look at what the broker holds. */
async function parkedQueue(bus: MessageBus, topic: TopicName, name: string): Promise<string> {
  const subscription = await bus.subscribe(topic, { name, durable: true, prefetch: 1 }, async () => {});
  await subscription.close();
  return `${PREFIX}.${topic}.${name}`;
}

function publishRaw<K extends TopicName>(channel: Channel, topic: K, messages: Array<Topics[K]>, packed: boolean): void {
  const body = packed ? encodePack(messages.map((m) => Buffer.from(JSON.stringify(m)))) : Buffer.from(JSON.stringify(messages[0]));
  channel.publish(`${PREFIX}.${topic}`, '', body, { contentType: 'application/json', ...(packed ? { headers: { [PACK_HEADER]: 1 } } : {}) });
}

describe('packing on RabbitMQ', () => {
  before(async () => {
    admin = await connect(BROKER_URL);
  });
  after(async () => {
    if (!admin) return;
    await withChannel(async (channel) => {
      for (const queue of usedQueues) await channel.deleteQueue(queue);
      for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${PREFIX}.${topic}`);
    });
    await admin.close();
  });

  it('packs concurrent publishes, and resolves each only once its pack is in the queue', async () => {
    const bus = await createBus({ windowMs: 50, maxMessages: 100 });
    try {
      const queue = await parkedQueue(bus, 'poll.results', 'packed');
      const sent = Array.from({ length: 250 }, (_, seq) => pollResult('web-1', seq));
      await Promise.all(sent.map((result) => bus.publish('poll.results', result)));
      const stored = await drain(queue);
      assert.deepEqual(
        stored.map((m) => membersOf(m).length),
        [100, 100, 50],
        'full packs leave at 100 messages, the rest after the window',
      );
      assert.deepEqual(stored.flatMap(membersOf), sent, 'every message once, in publish order');
      for (const message of stored) {
        assert.equal(message.properties.headers?.[PACK_HEADER], 1);
        assert.equal(message.properties.deliveryMode, 2, 'results stay persistent when packed');
      }
    } finally {
      await bus.close();
    }
  });

  it('caps a pack by bytes, and sends a message bigger than the cap alone in the old format', async () => {
    const bus = await createBus({ windowMs: 50, maxBytes: 10_000 });
    try {
      const queue = await parkedQueue(bus, 'poll.results', 'bytes');
      const big = (seq: number, bytes: number): PollResult => ({ ...(pollResult('web-2', seq) as PollFailure), message: 'x'.repeat(bytes) });
      // Three of 4 kB fill 10 kB with the fourth: packs of 2; one of 30 kB alone.
      const sent = [big(1, 4000), big(2, 4000), big(3, 4000), big(4, 4000), big(5, 30_000)];
      await Promise.all(sent.map((result) => bus.publish('poll.results', result)));
      const stored = await drain(queue);
      assert.deepEqual(
        stored.map((m) => membersOf(m).length),
        [2, 2, 1],
      );
      for (const message of stored.slice(0, 2)) assert.ok(message.content.length <= 10_000, `pack of ${message.content.length} bytes`);
      assert.equal(stored[2]?.properties.headers?.[PACK_HEADER], undefined, 'the oversized message travels alone, unpacked');
      assert.deepEqual(stored.flatMap(membersOf), sent);
    } finally {
      await bus.close();
    }
  });

  it('packs jobs by shard, transient, with the earliest expiry of their members', async () => {
    const bus = await createBus({ jobWindowMs: 50, jobShards: 1 });
    const queue = `${PREFIX}.poll.jobs.expiring`;
    try {
      await parkedQueue(bus, 'poll.jobs', 'expiring');
      const jobs = [pollJob('db-1', 1, 60_000), pollJob('db-2', 1, 20_000), pollJob('db-3', 1, 40_000)];
      await Promise.all(jobs.map((job) => bus.publish('poll.jobs', job)));
      const stored = await drain(queue);
      assert.equal(stored.length, 1, 'one shard: one pack');
      const [pack] = stored as [GetMessage];
      assert.deepEqual(membersOf(pack), jobs);
      assert.equal(pack.fields.routingKey, 'shard-0');
      assert.notEqual(pack.properties.deliveryMode, 2, 'jobs stay transient when packed');
      const expiration = Number(pack.properties.expiration);
      assert.ok(expiration > 15_000 && expiration <= 20_000, `expiration ${expiration} ms`);
    } finally {
      await bus.close();
      // A parked queue on the partitioned topic would keep its share of the shards.
      await withChannel((channel) => channel.deleteQueue(queue));
    }
  });

  it('lets the broker drop a pack whose earliest member expired, and hands over a stale member of a live pack', async () => {
    const bus = await createBus({ jobWindowMs: 20, jobShards: 1 });
    const queue = `${PREFIX}.poll.jobs.stale`;
    try {
      await parkedQueue(bus, 'poll.jobs', 'stale');
      await Promise.all([bus.publish('poll.jobs', pollJob('db-1', 1, 200)), bus.publish('poll.jobs', pollJob('db-2', 1, 60_000))]);
      await delay(400);
      assert.deepEqual(await drain(queue), [], 'the pack went with its earliest member');
      // Consumed before its expiry, a pack is handed over whole: the worker drops a stale job
      // itself (services/worker/worker-service.ts), as it always has.
      const c = collector<PollJob>();
      await bus.subscribe('poll.jobs', { name: 'stale', durable: true, prefetch: 10 }, c.handler);
      const stale = pollJob('db-3', 1, 1);
      await Promise.all([bus.publish('poll.jobs', stale), bus.publish('poll.jobs', pollJob('db-4', 1))]);
      await waitUntil('both members', 10_000, () => c.handled.length === 2, 10);
      assert.ok(c.handled.some((job) => job.target.name === 'db-3' && job.expiresAt < Date.now()));
    } finally {
      await bus.close();
      await withChannel((channel) => channel.deleteQueue(queue));
    }
  });

  it('consumes packs and single messages (the format before packing) alike', async () => {
    const bus = await createBus();
    try {
      const c = collector<PollResult>();
      await bus.subscribe('poll.results', { name: 'mixed', durable: false, prefetch: 10 }, c.handler);
      await withChannel(async (channel) => {
        publishRaw(channel, 'poll.results', [pollResult('web-3', 1)], false);
        publishRaw(channel, 'poll.results', [pollResult('web-3', 2), pollResult('web-3', 3), pollResult('web-3', 4)], true);
        publishRaw(channel, 'poll.results', [pollResult('web-3', 5)], false);
      });
      await waitUntil('5 messages', 10_000, () => c.handled.length === 5, 10);
      assert.deepEqual(
        c.received.map((r) => r.seq),
        [1, 2, 3, 4, 5],
      );
    } finally {
      await bus.close();
    }
  });

  it('runs no more handlers at once than the prefetch, counting members, and acks the pack once all are done', async () => {
    const bus = await createBus({ windowMs: 50 });
    const gate = openable();
    try {
      const c = collector<PollResult>(gate.opened);
      await bus.subscribe('poll.results', { name: 'members', durable: true, prefetch: 3 }, c.handler);
      await Promise.all(Array.from({ length: 10 }, (_, seq) => bus.publish('poll.results', pollResult('web-4', seq))));
      await waitUntil('3 handlers in flight', 10_000, () => c.inFlight === 3, 10);
      await delay(QUIET_MS);
      assert.equal(c.maxInFlight, 3);
      gate.open();
      await waitUntil('10 handled', 10_000, () => c.handled.length === 10, 10);
      assert.equal(c.maxInFlight, 3);
      await delay(QUIET_MS);
      assert.equal(await withChannel(async (ch) => (await ch.checkQueue(`${PREFIX}.poll.results.members`)).messageCount), 0);
    } finally {
      gate.open();
      await bus.close();
    }
    // Acked, not just delivered: a new consumer of the durable queue gets nothing.
    const again = await createBus();
    try {
      const c = collector<PollResult>();
      await again.subscribe('poll.results', { name: 'members', durable: true, prefetch: 3 }, c.handler);
      await delay(QUIET_MS);
      assert.equal(c.received.length, 0);
    } finally {
      await again.close();
    }
  });

  it('sends only the failed members of a pack back to their queue, and not to other subscriptions', async () => {
    const bus = await createBus({ windowMs: 50 });
    try {
      const attempts = new Map<number, number>();
      const failing = await bus.subscribe('poll.results', { name: 'partial', durable: true, prefetch: 20 }, async (result) => {
        const n = (attempts.get(result.seq) ?? 0) + 1;
        attempts.set(result.seq, n);
        if (result.seq % 3 === 0 && n === 1) throw new Error('first attempt fails on purpose');
      });
      const other = collector<PollResult>();
      await bus.subscribe('poll.results', { name: 'bystander', durable: true, prefetch: 20 }, other.handler);
      const seqs = Array.from({ length: 10 }, (_, seq) => seq + 1);
      await Promise.all(seqs.map((seq) => bus.publish('poll.results', pollResult('web-5', seq))));
      await waitUntil('every message handled once, the failed ones twice', 10_000, () =>
        seqs.every((seq) => attempts.get(seq) === (seq % 3 === 0 ? 2 : 1)), 10);
      await delay(QUIET_MS);
      assert.deepEqual(
        seqs.map((seq) => attempts.get(seq)),
        seqs.map((seq) => (seq % 3 === 0 ? 2 : 1)),
        'no member handled more often than it failed',
      );
      assert.deepEqual(other.handled.map((r) => r.seq).sort((a, b) => a - b), seqs, 'the other subscription got each message once');
      await failing.close();
      assert.equal(await withChannel(async (ch) => (await ch.checkQueue(`${PREFIX}.poll.results.partial`)).messageCount), 0);
    } finally {
      await bus.close();
    }
  });

  it('requeues a pack whole when every member fails', async () => {
    const bus = await createBus({ windowMs: 50 });
    try {
      const attempts = new Map<number, number>();
      await bus.subscribe('poll.results', { name: 'all-fail', durable: true, prefetch: 20 }, async (result) => {
        const n = (attempts.get(result.seq) ?? 0) + 1;
        attempts.set(result.seq, n);
        if (n === 1) throw new Error('first attempt fails on purpose');
      });
      await Promise.all([1, 2, 3, 4].map((seq) => bus.publish('poll.results', pollResult('web-6', seq))));
      await waitUntil('each handled twice', 10_000, () => [1, 2, 3, 4].every((seq) => attempts.get(seq) === 2), 10);
      await delay(QUIET_MS);
      assert.deepEqual([...attempts.values()], [2, 2, 2, 2]);
    } finally {
      await bus.close();
    }
  });

  it('gives an unstarted pack back on close and finishes a started one', async () => {
    const bus = await createBus({ windowMs: 50, maxMessages: 4 });
    const gate = openable();
    try {
      const first = collector<PollResult>(gate.opened);
      const subscription = await bus.subscribe('poll.results', { name: 'handover', durable: true, prefetch: 2 }, first.handler);
      // Two packs of 4: the first starts 2 members (prefetch 2), the second none.
      await Promise.all(Array.from({ length: 8 }, (_, seq) => bus.publish('poll.results', pollResult('web-7', seq))));
      await waitUntil('2 in flight', 10_000, () => first.inFlight === 2, 10);
      await delay(QUIET_MS);
      const closing = subscription.close();
      gate.open();
      await closing;
      assert.deepEqual(
        first.handled.map((r) => r.seq).sort((a, b) => a - b),
        [0, 1, 2, 3],
        'the started pack finished',
      );
      const next = collector<PollResult>();
      await bus.subscribe('poll.results', { name: 'handover', durable: true, prefetch: 10 }, next.handler);
      await waitUntil('the unstarted pack redelivered', 10_000, () => next.handled.length === 4, 10);
      await delay(QUIET_MS);
      assert.deepEqual(
        next.handled.map((r) => r.seq),
        [4, 5, 6, 7],
      );
    } finally {
      gate.open();
      await bus.close();
    }
  });

  it('sends each message alone, routed by host, with packing off', async () => {
    const bus = await createBus(false);
    const queue = `${PREFIX}.poll.jobs.unpacked`;
    try {
      await parkedQueue(bus, 'poll.jobs', 'unpacked');
      await Promise.all([1, 2, 3].map((seq) => bus.publish('poll.jobs', pollJob('db-9', seq))));
      const stored = await drain(queue);
      assert.equal(stored.length, 3);
      for (const message of stored) {
        assert.equal(message.fields.routingKey, 'db-9');
        assert.equal(message.properties.headers?.[PACK_HEADER], undefined);
      }
    } finally {
      await bus.close();
      await withChannel((channel) => channel.deleteQueue(queue));
    }
  });
});
