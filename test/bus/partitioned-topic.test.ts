// 'poll.jobs' is partitioned by host: every job of a host goes to the same subscription, and a
// subscription that leaves hands over only its own hosts. Checked on both bus implementations.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { connect } from 'amqplib';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { TOPIC_NAMES } from '../../lib/bus/amqp-topology.ts';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import type { MessageBus, Subscription } from '../../lib/bus/message-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import { pollJob } from './bus-contract.ts';
import { waitUntil } from '../support/wait-for.ts';

const BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672';
const HOSTS = Array.from({ length: 60 }, (_, i) => `host-${String(i).padStart(2, '0')}`);

interface Worker {
  name: string;
  seen: Map<string, number>;
  subscription: Subscription;
}

async function startWorker(bus: MessageBus, name: string): Promise<Worker> {
  const seen = new Map<string, number>();
  const subscription = await bus.subscribe('poll.jobs', { name, durable: false, prefetch: 50 }, async (job) => {
    seen.set(job.target.name, (seen.get(job.target.name) ?? 0) + 1);
  });
  return { name, seen, subscription };
}

async function publishRound(bus: MessageBus, seq: number): Promise<void> {
  for (const host of HOSTS) await bus.publish('poll.jobs', pollJob(host, seq));
}

function owners(workers: Worker[]): Map<string, string> {
  const owner = new Map<string, string>();
  for (const worker of workers) {
    for (const host of worker.seen.keys()) {
      assert.equal(owner.get(host), undefined, `${host} went to ${owner.get(host)} and ${worker.name}`);
      owner.set(host, worker.name);
    }
  }
  return owner;
}

function total(workers: Worker[]): number {
  return workers.reduce((sum, w) => sum + [...w.seen.values()].reduce((a, b) => a + b, 0), 0);
}

function describePartitioning(implementation: string, createBus: () => Promise<MessageBus>): void {
  describe(`partitioned poll.jobs on ${implementation}`, () => {
    it('sends every job of a host to one subscription, and a leaving one hands over only its hosts', async () => {
      const bus = await createBus();
      try {
        const workers = [await startWorker(bus, 'w1'), await startWorker(bus, 'w2'), await startWorker(bus, 'w3')];
        for (let seq = 1; seq <= 3; seq++) await publishRound(bus, seq);
        await waitUntil('all jobs of three rounds', 10_000, () => total(workers) === HOSTS.length * 3, 10);
        const before = owners(workers);
        assert.equal(before.size, HOSTS.length);
        for (const worker of workers) {
          assert.ok(worker.seen.size > 0, `${worker.name} got a share of the hosts`);
          for (const [host, count] of worker.seen) assert.equal(count, 3, `${host} stuck to ${worker.name}`);
        }

        const [w1, w2, w3] = workers as [Worker, Worker, Worker];
        await w3.subscription.close();
        for (const w of [w1, w2]) w.seen.clear();
        await publishRound(bus, 4);
        await waitUntil('the next round on the two remaining subscriptions', 10_000, () => total([w1, w2]) === HOSTS.length, 10);
        const afterLeave = owners([w1, w2]);
        for (const [host, owner] of before) {
          if (owner !== 'w3') assert.equal(afterLeave.get(host), owner, `${host} stayed on ${owner}`);
        }
        await w1.subscription.close();
        await w2.subscription.close();
      } finally {
        await bus.close();
      }
    });
  });
}

describePartitioning('the in-process bus', async () => new MemoryBus());

const prefix = `vigil-test-part-${randomBytes(4).toString('hex')}`;
describePartitioning('RabbitMQ', () => connectAmqpBus({ url: BROKER_URL, prefix, log: silentLogger }));

after(async () => {
  const connection = await connect(BROKER_URL);
  try {
    for (const topic of TOPIC_NAMES) {
      const channel = await connection.createChannel();
      await channel.deleteExchange(`${prefix}.${topic}`);
      await channel.close();
    }
  } finally {
    await connection.close();
  }
});
