// The network to one host is cut mid-run, then restored. One simulated host is reached through
// a loopback relay that can black-hole its traffic both ways (what a pulled cable or a dropping
// firewall does: nothing is refused, nothing arrives). Its polls fail with a timeout reason, it
// goes down after VIGIL_DOWN_AFTER (3) failed polls while the other hosts keep being polled, and
// it comes back up once the network does, without any restart.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import amqp from 'amqplib';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { TOPIC_NAMES } from '../../lib/bus/amqp-topology.ts';
import type { MessageBus } from '../../lib/bus/message-bus.ts';
import { loadConfig } from '../../lib/config.ts';
import { silentLogger } from '../../lib/log.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { startHostSimulator, type HostSimulator } from '../../lib/simulator/host-simulator.ts';
import { runScheduler } from '../../services/scheduler/main.ts';
import { startWorker, type Worker } from '../../services/worker/worker-service.ts';
import { runWriter } from '../../services/writer/main.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const prefix = `vigil-netcut-${randomBytes(4).toString('hex')}`;
let simulator: HostSimulator;
let relay: CuttableRelay;
let database: TestDatabase;
let dir: string;
let workerBus: MessageBus | undefined;
let worker: Worker | undefined;
const steps: ShutdownStep[] = [];
let cutHost: string;
let otherHosts: string[];

/** A TCP relay to one port that can stop passing bytes (both ways, held connections and new ones alike) and start again. */
interface CuttableRelay {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function startCuttableRelay(targetPort: number): Promise<CuttableRelay> {
  let isCut = false;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  const link = (pair: { client: net.Socket; upstream: net.Socket | null }): void => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.destroy());
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
  };
  const server = net.createServer((client) => {
    const pair = { client, upstream: null as net.Socket | null };
    pairs.add(pair);
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    // A connection that arrives while cut gets nowhere: no banner, no reset, until restored.
    if (isCut) client.pause();
    else link(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut: () => {
      isCut = true;
      for (const { client, upstream } of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    restore: () => {
      isCut = false;
      for (const pair of pairs) {
        if (pair.upstream === null) {
          pair.client.resume();
          link(pair);
        } else {
          pair.client.pipe(pair.upstream);
          pair.upstream.pipe(pair.client);
        }
      }
    },
    close: async () => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

before(async () => {
  simulator = await startHostSimulator({ hosts: 4, namePrefix: 'net-', rebootChance: 0 });
  const [first, ...rest] = simulator.hosts;
  cutHost = first!.name;
  otherHosts = rest.map((h) => h.name);
  relay = await startCuttableRelay(first!.port);
  database = await createTestDatabase('postgres');
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-netcut-'));
  const inventory = path.join(dir, 'hosts');
  const key = simulator.clientKey.file;
  await writeFile(inventory, simulator.hosts.map((h) =>
    `${h.name} ansible_host=127.0.0.1 ansible_port=${h === first ? relay.port : h.port} ansible_user=${simulator.user} `
    + `ansible_ssh_private_key_file=${key} vigil_interval=1`,
  ).join('\n') + '\n');
  const env = { VIGIL_DATABASE_URL: database.url!, VIGIL_AMQP_URL: AMQP_URL, VIGIL_AMQP_PREFIX: prefix, VIGIL_INVENTORY: inventory, VIGIL_METRICS_PORT: '0' };
  steps.unshift(...(await runWriter(loadConfig('writer', env), silentLogger)));
  // The worker as `vigil worker` runs it, with shorter timeouts and connect backoff so that the
  // test takes seconds rather than the minutes the production defaults would need.
  workerBus = await connectAmqpBus({ url: AMQP_URL, prefix, log: silentLogger });
  worker = await startWorker({
    bus: workerBus,
    log: silentLogger,
    execTimeoutMs: 2000,
    connectTimeoutMs: 1500,
    hostKeyChecking: 'accept-new',
    knownHostsFile: path.join(dir, 'known_hosts'),
    userKnownHostsFiles: [],
    ssh: { backoff: { baseMs: 500, maxMs: 2000 } },
  });
  steps.unshift(...(await runScheduler(loadConfig('scheduler', env), silentLogger)));
});

after(async () => {
  for (const step of steps) await step.run();
  await worker?.stop();
  await workerBus?.close();
  await relay?.close();
  await simulator?.close();
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.deleteQueue(`${prefix}.poll.results.writer`);
  for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${prefix}.${topic}`);
  await connection.close();
  await database?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function hostRow(name: string): Promise<{ status: string; status_reason: string | null }> {
  return database.db.selectFrom('hosts').select(['status', 'status_reason']).where('name', '=', name).executeTakeFirstOrThrow();
}

async function samplesSince(host: string, ms: number): Promise<number> {
  const rows = await database.db.selectFrom('samples').select('ts').where('host', '=', host).where('ts', '>', new Date(ms)).execute();
  return rows.length;
}

test('a host cut off from the network times out, goes down after 3 failed polls, the others go on, and it comes back', async () => {
  const db = database.db;
  await waitFor('every host up', 60_000, async () => {
    const rows = await db.selectFrom('hosts').select(['name', 'status']).execute();
    return rows.length === 4 && rows.every((r) => r.status === 'up') ? true : undefined;
  });

  const cutAt = Date.now();
  relay.cut();
  const down = await waitFor(`${cutHost} to go down`, 40_000, async () => {
    const row = await hostRow(cutHost);
    return row.status === 'down' ? row : undefined;
  });
  const downAfterMs = Date.now() - cutAt;
  assert.match(down.status_reason ?? '', /^timeout-(connect|exec)$/);
  const failures = await db.selectFrom('poll_failures').select(['reason', 'ts']).where('host', '=', cutHost).where('ts', '>', new Date(cutAt)).execute();
  assert.ok(failures.length >= 3, `down after ${failures.length} failed polls`);
  for (const failure of failures) assert.match(failure.reason, /^timeout-(connect|exec)$/);
  assert.equal(await samplesSince(cutHost, cutAt + 500), 0, 'no sample of the cut-off host');
  // The others were polled all along, about once a second.
  for (const host of otherHosts) {
    const n = await samplesSince(host, cutAt);
    assert.ok(n >= Math.floor(downAfterMs / 1000 / 2), `${host}: ${n} samples in the ${downAfterMs} ms the cut host took to go down`);
    assert.equal((await hostRow(host)).status, 'up');
  }

  const restoredAt = Date.now();
  relay.restore();
  await waitFor(`${cutHost} to come back up`, 30_000, async () => {
    const row = await hostRow(cutHost);
    return row.status === 'up' && (await samplesSince(cutHost, restoredAt)) > 0 ? true : undefined;
  });
  const upAfterMs = Date.now() - restoredAt;
  console.log(`# network cut: ${cutHost} down ${downAfterMs} ms after the cut (${failures.length} failed polls: `
    + `${[...new Set(failures.map((f) => f.reason))].join(', ')}), up again ${upAfterMs} ms after the restore`);
});
