// The fleet deployment's surroundings for fault tests: a fresh PostgreSQL database, a private
// RabbitMQ prefix, an inventory of local hosts, and a probe that records every sample the
// workers publish, so a test can check that each one reached PostgreSQL.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { TOPIC_NAMES } from '../../lib/bus/amqp-topology.ts';
import type { MessageBus } from '../../lib/bus/message-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { waitFor } from './wait-for.ts';

export const TEST_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface TestFleet {
  database: TestDatabase;
  /** The VIGIL_* variables that point a service at this fleet. */
  env: Record<string, string>;
  hosts: string[];
  /** Every sample a worker published: host → sample timestamps (ms). */
  published: Map<string, number[]>;
  /** Resolves once every sample published so far is in PostgreSQL. */
  waitUntilAllStored(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestFleet(options: { hosts: number; intervalSec: number; durableQueues?: string[] }): Promise<TestFleet> {
  const prefix = `vigil-fleet-${randomBytes(4).toString('hex')}`;
  const database = await createTestDatabase('postgres');
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-fleet-'));
  const hosts = Array.from({ length: options.hosts }, (_, i) => `local-${i}`);
  const inventory = path.join(dir, 'hosts');
  await writeFile(inventory, hosts.map((h) => `${h} ansible_connection=local vigil_interval=${options.intervalSec}`).join('\n') + '\n');
  const published = new Map<string, number[]>();
  const probe: MessageBus = await connectAmqpBus({ url: TEST_AMQP_URL, prefix, log: silentLogger });
  await probe.subscribe('poll.results', { name: 'probe', durable: false, prefetch: 100 }, async (result) => {
    if (result.kind !== 'sample') return;
    const list = published.get(result.host) ?? [];
    list.push(result.sample.ts);
    published.set(result.host, list);
  });
  return {
    database,
    env: { VIGIL_DATABASE_URL: database.url!, VIGIL_AMQP_URL: TEST_AMQP_URL, VIGIL_AMQP_PREFIX: prefix, VIGIL_INVENTORY: inventory },
    hosts,
    published,
    waitUntilAllStored: async (timeoutMs) => {
      const expected = [...published.entries()].flatMap(([host, list]) => list.map((ts) => `${host}@${ts}`));
      await waitFor(`all ${expected.length} published samples to be stored`, timeoutMs, async () => {
        const rows = await database.db.selectFrom('samples').select(['host', 'ts']).execute();
        const stored = new Set(rows.map((r) => `${r.host}@${r.ts.getTime()}`));
        return expected.every((key) => stored.has(key)) ? true : undefined;
      });
    },
    close: async () => {
      await probe.close();
      const connection = await amqp.connect(TEST_AMQP_URL);
      const channel = await connection.createChannel();
      for (const queue of ['poll.results.writer', ...(options.durableQueues ?? [])]) await channel.deleteQueue(`${prefix}.${queue}`);
      for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${prefix}.${topic}`);
      await connection.close();
      await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
