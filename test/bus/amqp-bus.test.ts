// Against the real RabbitMQ at 127.0.0.1:5672. A TCP relay between bus and broker stands in
// for the network, so that tests can cut it and hold an outage as long as they need.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { promisify } from 'node:util';
import { connect } from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { TOPIC_NAMES } from '../../lib/bus/amqp-topology.ts';
import type { MessageBus, TopicName, Topics } from '../../lib/bus/message-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import type { PollJob, PollResult } from '../../lib/poll/poll-messages.ts';
import { QUIET_MS, collector, delay, describeBusContract, openable, pollJob, pollResult } from './bus-contract.ts';
import { waitUntil } from '../support/wait-for.ts';

const BROKER_PORT = 5672;
const BROKER_URL = `amqp://guest:guest@127.0.0.1:${BROKER_PORT}`;
const PREFIX = `vigil-test-${randomBytes(4).toString('hex')}`;
const TOPICS: readonly TopicName[] = TOPIC_NAMES;

/** Every queue any test subscribed, to delete at the end. */
const usedQueues = new Set<string>();
const usedPrefixes = new Set<string>([PREFIX]);

let admin: ChannelModel;

before(async () => {
  // Fails the file loudly if the broker is not there.
  admin = await connect(BROKER_URL);
});

after(async () => {
  if (!admin) return;
  const channel = await admin.createChannel();
  for (const queue of usedQueues) await channel.deleteQueue(queue);
  for (const prefix of usedPrefixes) {
    for (const topic of TOPICS) await channel.deleteExchange(`${prefix}.${topic}`);
  }
  await channel.close();
  await admin.close();
});

async function createBus(options: { url?: string; prefix?: string; outageTimeoutMs?: number; packing?: false } = {}): Promise<MessageBus> {
  const prefix = options.prefix ?? PREFIX;
  usedPrefixes.add(prefix);
  const bus = await connectAmqpBus({
    url: options.url ?? BROKER_URL,
    prefix,
    log: silentLogger,
    reconnectDelayMs: 50,
    ...(options.outageTimeoutMs !== undefined ? { outageTimeoutMs: options.outageTimeoutMs } : {}),
    ...(options.packing === false ? { packing: false as const } : {}),
  });
  return {
    publish: (topic, message) => bus.publish(topic, message),
    subscribe: (topic, subscribeOptions, handler) => {
      usedQueues.add(`${prefix}.${topic}.${subscribeOptions.name}`);
      return bus.subscribe(topic, subscribeOptions, handler);
    },
    close: () => bus.close(),
  };
}

/** Runs fn on a fresh channel of the test's own connection: a failed check closes its channel. */
async function withChannel<T>(fn: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await admin.createChannel();
  channel.on('error', () => {});
  try {
    return await fn(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

async function messageCount(queue: string): Promise<number> {
  return withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount);
}

interface Relay {
  url: string;
  port: number;
  /** Kills every relayed connection, both sides, as a network failure would. */
  cut(): void;
  /** While refusing, new connections are dropped at once: the broker looks down. */
  refuse(refusing: boolean): void;
  close(): Promise<void>;
}

async function startRelay(): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    track(client);
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(BROKER_PORT, '127.0.0.1');
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    port,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    refuse: (value) => {
      refusing = value;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function publishRaw<K extends TopicName>(channel: Channel, topic: K, body: Topics[K] | string): void {
  const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  channel.publish(`${PREFIX}.${topic}`, '', content, { contentType: 'application/json' });
}

describeBusContract('AmqpBus', { createBus: () => createBus() });

void describe('AmqpBus on RabbitMQ', () => {
  void it('resolves publish only once the message is in the queue', async () => {
    const bus = await createBus();
    try {
      const subscription = await bus.subscribe('poll.results', { name: 'confirmed', durable: true, prefetch: 1 }, async () => {});
      await subscription.close();
      await bus.publish('poll.results', pollResult('web-1', 1));
      assert.equal(await messageCount(`${PREFIX}.poll.results.confirmed`), 1);
      const stored = await withChannel((channel) => channel.get(`${PREFIX}.poll.results.confirmed`, { noAck: true }));
      assert.ok(stored);
      assert.equal(stored.properties.deliveryMode, 2, 'results are persistent');
    } finally {
      await bus.close();
    }
  });

  void it('keeps messages of a durable subscription while its consumer is closed', async () => {
    const bus = await createBus();
    try {
      const first = await bus.subscribe('poll.results', { name: 'durable', durable: true, prefetch: 5 }, async () => {});
      await first.close();
      for (let seq = 1; seq <= 3; seq++) await bus.publish('poll.results', pollResult('web-2', seq));
      const c = collector<PollResult>();
      await bus.subscribe('poll.results', { name: 'durable', durable: true, prefetch: 5 }, c.handler);
      await waitUntil('the 3 kept messages', 10_000, () => c.handled.length === 3, 10);
      assert.deepEqual(
        c.handled.map((result) => result.seq),
        [1, 2, 3],
      );
    } finally {
      await bus.close();
    }
  });

  void it('deletes a transient subscription queue with its last consumer', async () => {
    const bus = await createBus();
    try {
      const subscription = await bus.subscribe('poll.results', { name: 'transient', durable: false, prefetch: 1 }, async () => {});
      assert.equal(await messageCount(`${PREFIX}.poll.results.transient`), 0);
      await subscription.close();
      await assert.rejects(messageCount(`${PREFIX}.poll.results.transient`), /404|NOT_FOUND/);
    } finally {
      await bus.close();
    }
  });

  void it('sets the content type and persistence, and drops poll jobs past their expiry', async () => {
    const bus = await createBus();
    try {
      const parked = await bus.subscribe('poll.jobs', { name: 'expiry', durable: true, prefetch: 1 }, async () => {});
      await parked.close();
      await bus.publish('poll.jobs', pollJob('db-1', 1, -1000));
      await bus.publish('poll.jobs', pollJob('db-1', 2));
      const fresh = await withChannel((channel) => channel.get(`${PREFIX}.poll.jobs.expiry`, { noAck: true }));
      assert.ok(fresh, 'the fresh job is in the queue');
      assert.equal((JSON.parse(fresh.content.toString()) as PollJob).seq, 2, 'the stale job was delivered');
      assert.equal(fresh.properties.contentType, 'application/json');
      assert.notEqual(fresh.properties.deliveryMode, 2, 'poll jobs are transient: they never reach the disk');
      const expiration = Number(fresh.properties.expiration);
      assert.ok(expiration > 50_000 && expiration <= 60_000, `expiration ${expiration} ms`);
      assert.equal(await messageCount(`${PREFIX}.poll.jobs.expiry`), 0);
    } finally {
      await bus.close();
      // poll.jobs is partitioned: a parked durable queue would keep its share of the hosts.
      await withChannel((channel) => channel.deleteQueue(`${PREFIX}.poll.jobs.expiry`));
    }
  });

  void it('confirms every publish of a burst larger than the write buffer', async () => {
    // Unpacked, 2,000 publishes are 2,000 AMQP messages (packed they would be 20: test/bus/amqp-pack.test.ts).
    const bus = await createBus({ packing: false });
    try {
      const parked = await bus.subscribe('poll.results', { name: 'burst', durable: true, prefetch: 1 }, async () => {});
      await parked.close();
      // Far beyond amqplib's 1024-frame channel buffer, so publish must wait for 'drain'.
      await Promise.all(Array.from({ length: 2000 }, (_, seq) => bus.publish('poll.results', pollResult('web-7', seq))));
      assert.equal(await messageCount(`${PREFIX}.poll.results.burst`), 2000);
    } finally {
      await bus.close();
    }
  });

  void it('routes a host whose name exceeds the AMQP routing-key limit', async () => {
    const bus = await createBus();
    try {
      const c = collector<PollResult>();
      await bus.subscribe('poll.results', { name: 'long-name', durable: false, prefetch: 1 }, c.handler);
      const host = `${'h'.repeat(300)}.example`;
      await bus.publish('poll.results', pollResult(host, 1));
      await waitUntil('the message of the long-named host', 10_000, () => c.handled.length === 1, 10);
      assert.equal(c.handled[0]?.host, host);
    } finally {
      await bus.close();
    }
  });

  void it('drops an unparseable message instead of redelivering it', async () => {
    const bus = await createBus();
    try {
      const c = collector<PollResult>();
      await bus.subscribe('poll.results', { name: 'garbage', durable: true, prefetch: 1 }, c.handler);
      await withChannel(async (channel) => {
        publishRaw(channel, 'poll.results', '{not json');
        publishRaw(channel, 'poll.results', pollResult('web-3', 7));
      });
      await waitUntil('the valid message after the garbage', 10_000, () => c.handled.length === 1, 10);
      await delay(QUIET_MS);
      assert.deepEqual(
        c.received.map((result) => result.seq),
        [7],
      );
      assert.equal(await messageCount(`${PREFIX}.poll.results.garbage`), 0);
    } finally {
      await bus.close();
    }
  });

  void it('redelivers to another consumer a message left unacknowledged by a dead connection', async () => {
    const relay = await startRelay();
    const gate = openable();
    const doomed = await createBus({ url: relay.url });
    const survivor = await createBus();
    try {
      const held = collector<PollJob>(gate.opened);
      await doomed.subscribe('poll.jobs', { name: 'handoff', durable: true, prefetch: 1 }, held.handler);
      await survivor.publish('poll.jobs', pollJob('db-2', 1));
      await waitUntil('the first consumer to hold the job', 10_000, () => held.inFlight === 1, 10);
      const taker = collector<PollJob>();
      await survivor.subscribe('poll.jobs', { name: 'handoff', durable: true, prefetch: 1 }, taker.handler);
      await delay(QUIET_MS);
      assert.equal(taker.received.length, 0, 'the held job was delivered twice');
      relay.refuse(true);
      relay.cut();
      await waitUntil('the job redelivered to the other consumer', 10_000, () => taker.handled.length === 1, 10);
      assert.equal(taker.handled[0]?.seq, 1);
      // The held handler now settles on a dead channel: its ack must go nowhere, quietly.
      gate.open();
      await waitUntil('the held handler to finish', 10_000, () => held.inFlight === 0, 10);
    } finally {
      gate.open();
      await doomed.close();
      await survivor.close();
      await relay.close();
    }
  });

  void it('reconnects after the network drops, resubscribes, and completes a publish made during the outage', async () => {
    const relay = await startRelay();
    const bus = await createBus({ url: relay.url });
    try {
      const c = collector<PollResult>();
      await bus.subscribe('poll.results', { name: 'reconnect', durable: false, prefetch: 5 }, c.handler);
      await bus.publish('poll.results', pollResult('web-4', 1));
      await waitUntil('the message before the outage', 10_000, () => c.handled.length === 1, 10);

      relay.refuse(true);
      relay.cut();
      let published = false;
      const duringOutage = bus.publish('poll.results', pollResult('web-4', 2)).then(() => {
        published = true;
      });
      await delay(QUIET_MS);
      assert.equal(published, false, 'publish resolved while the broker was unreachable');
      relay.refuse(false);
      await duringOutage;

      await bus.publish('poll.results', pollResult('web-4', 3));
      await waitUntil('the messages after the reconnect', 10_000, () => c.handled.length === 3, 10);
      assert.deepEqual(
        c.handled.map((result) => result.seq),
        [1, 2, 3],
      );
    } finally {
      await bus.close();
      await relay.close();
    }
  });

  void it('resumes after the broker closes the connection', async () => {
    // Its own prefix names the connection, so that only this bus's connection is closed.
    const prefix = `${PREFIX}-forced`;
    const bus = await createBus({ prefix });
    try {
      const c = collector<PollResult>();
      await bus.subscribe('poll.results', { name: 'forced', durable: true, prefetch: 5 }, c.handler);
      const closed = await closeBrokerConnections(`vigil ${prefix} pid ${process.pid}`);
      assert.equal(closed, 1, 'connections closed by rabbitmqctl');
      await bus.publish('poll.results', pollResult('web-5', 1));
      await waitUntil('a message after the forced close', 10_000, () => c.handled.length === 1, 10);
    } finally {
      await bus.close();
    }
  });

  void it('rejects a publish once an outage outlasts its bound, naming the broker without the password', async () => {
    const relay = await startRelay();
    const bus = await createBus({ url: relay.url, outageTimeoutMs: 500 });
    try {
      relay.refuse(true);
      relay.cut();
      const error = await bus.publish('poll.results', pollResult('web-6', 1)).then(
        () => assert.fail('publish resolved during the outage'),
        (err: unknown) => err,
      );
      assert.ok(error instanceof Error);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${relay.port}`));
      assert.doesNotMatch(error.message, /guest@/);
    } finally {
      await bus.close();
      await relay.close();
    }
  });

  void it('fails to connect to an unreachable broker with a clear error', async () => {
    const relay = await startRelay();
    relay.refuse(true);
    try {
      await assert.rejects(
        connectAmqpBus({ url: relay.url, prefix: PREFIX, log: silentLogger }),
        (err: Error) => err.message.includes(`message broker amqp://guest:***@127.0.0.1:${relay.port}`),
      );
    } finally {
      await relay.close();
    }
  });
});

const execFileAsync = promisify(execFile);

/** Closes, through rabbitmqctl, the broker connections with this client-given name. */
async function closeBrokerConnections(connectionName: string): Promise<number> {
  const { stdout } = await execFileAsync('rabbitmqctl', ['--quiet', 'list_connections', 'pid', 'client_properties']);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`"${connectionName}"`))
    .map((line) => line.split('\t')[0] ?? '')
    .filter((pid) => pid !== '');
  for (const pid of pids) await execFileAsync('rabbitmqctl', ['--quiet', 'close_connection', pid, 'test: forced close']);
  return pids.length;
}
