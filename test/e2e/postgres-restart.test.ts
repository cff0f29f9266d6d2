// PostgreSQL down for a while mid-run (a private server): the writer holds the results it has,
// retrying, and stores them once the server is back; the scheduler, which leads only while its
// lock's session lives, stands by and then leads again. Nothing is lost or stored twice, and no
// service is restarted. The simulated hosts answer slowly, so that polls are in flight when the
// database goes and their results reach the writer while it is down.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import amqp from 'amqplib';
import { sql } from 'kysely';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { TOPIC_NAMES } from '../../lib/bus/amqp-topology.ts';
import type { MessageBus } from '../../lib/bus/message-bus.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { openDatabase, type OpenedDatabase } from '../../lib/db/open-database.ts';
import { silentLogger } from '../../lib/log.ts';
import { startHostSimulator, type HostSimulator } from '../../lib/simulator/host-simulator.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import { killAll, spawnVigil, type VigilProcess } from '../support/vigil-process.ts';
import { waitFor } from '../support/wait-for.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const HOST_COUNT = 6;
let HOSTS: string[] = [];
let simulator: HostSimulator | undefined;
const OUTAGE_MS = 8000;
const prefix = `vigil-pgdown-${randomBytes(4).toString('hex')}`;
let server: PrivatePostgres;
let database: OpenedDatabase | undefined;
let dir: string;
let probe: MessageBus | undefined;
/** Every sample a worker published: host@ts → ts. */
const published = new Map<string, number>();
const services: VigilProcess[] = [];

before(async () => {
  server = await startPrivatePostgres();
  const url = await server.createDatabase('vigil_fault');
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-postgres-restart-'));
  simulator = await startHostSimulator({
    hosts: HOST_COUNT,
    namePrefix: 'slow-',
    faults: Object.fromEntries(Array.from({ length: HOST_COUNT }, (_, i) => [`slow-${String(i + 1).padStart(4, '0')}`, 'slow' as const])),
    slowDelayMs: 1500,
    rebootChance: 0,
  });
  HOSTS = simulator.hosts.map((h) => h.name);
  const inventory = path.join(dir, 'hosts');
  const key = simulator.clientKey.file;
  await writeFile(inventory, simulator.hosts.map((h) =>
    `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=${simulator!.user} ansible_ssh_private_key_file=${key} vigil_interval=1`,
  ).join('\n') + '\n');
  probe = await connectAmqpBus({ url: AMQP_URL, prefix, log: silentLogger });
  await probe.subscribe('poll.results', { name: 'probe', durable: false, prefetch: 100 }, async (result) => {
    if (result.kind === 'sample') published.set(`${result.host}@${result.sample.ts}`, result.sample.ts);
  });
  const env = {
    VIGIL_DATABASE_URL: url,
    VIGIL_AMQP_URL: AMQP_URL,
    VIGIL_AMQP_PREFIX: prefix,
    VIGIL_INVENTORY: inventory,
    VIGIL_DATA_DIR: dir,
    VIGIL_METRICS_PORT: '0',
  };
  // The writer migrates; the others start once it has.
  services.push(spawnVigil(['writer'], env));
  await waitFor('the writer to start', 60_000, () => (services[0]!.log.includes('"msg":"writer started"') ? true : undefined));
  services.push(spawnVigil(['worker'], env), spawnVigil(['scheduler'], env));
  database = await openDatabase({ url, log: silentLogger });
});

after(async () => {
  await killAll(services);
  await probe?.close();
  await database?.close();
  await server?.stop();
  await simulator?.close();
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.deleteQueue(`${prefix}.poll.results.writer`);
  for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${prefix}.${topic}`);
  await connection.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function storedSince(db: VigilDb, ms: number): Promise<Map<string, number>> {
  const rows = await db.selectFrom('samples').select(['host']).select(sql<number>`count(*)::int`.as('n')).where('ts', '>', new Date(ms)).groupBy('host').execute();
  return new Map(rows.map((r) => [r.host, r.n]));
}

function failIn(what: string): (error: Error) => never {
  return (error) => assert.fail(`${error.message} (${what})\n${services.map((s) => s.log.slice(-3000)).join('\n---\n')}`);
}

test('with PostgreSQL down for a while the writer holds off, then stores everything once, without a restart', async () => {
  const db = database!.db;
  await waitFor('two stored samples of every host', 60_000, async () => {
    const stored = await storedSince(db, 0);
    return HOSTS.every((h) => (stored.get(h) ?? 0) >= 2) ? true : undefined;
  }).catch(failIn('before the outage'));

  const downAt = Date.now();
  await server.stopServer();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  await server.startServer();
  const upAt = Date.now();
  const publishedWhileDown = [...published.values()].filter((ts) => ts > downAt && ts < upAt).length;

  await waitFor('two samples of every host stored after the restart', 60_000, async () => {
    const stored = await storedSince(db, upAt);
    return HOSTS.every((h) => (stored.get(h) ?? 0) >= 2) ? true : undefined;
  }).catch(failIn('after the outage'));
  const resumedAfterMs = Date.now() - upAt;
  for (const service of services) assert.equal(service.child.exitCode, null, `a service exited:\n${service.log}`);
  const writer = services[0]!;
  assert.doesNotMatch(writer.log, /giving poll results back/);

  // Polling stops gracefully, so that what was published and what is stored can settle.
  const scheduler = services[2]!;
  scheduler.child.kill('SIGTERM');
  assert.equal(await scheduler.exited, 0, scheduler.log);
  const storedKeys = async (): Promise<string[]> => {
    const rows = await db.selectFrom('samples').select(['host', 'ts']).execute();
    return rows.map((r) => `${r.host}@${r.ts.getTime()}`);
  };
  await waitFor('the stored samples to be exactly those published', 60_000, async () => {
    const stored = await storedKeys();
    return stored.length === published.size && stored.every((key) => published.has(key)) ? true : undefined;
  }).catch(async (error: Error) => {
    const stored = new Set(await storedKeys());
    const lost = [...published.keys()].filter((key) => !stored.has(key));
    const unpublished = [...stored].filter((key) => !published.has(key));
    assert.fail(`${error.message}: published but not stored ${JSON.stringify(lost)}; stored but never published ${JSON.stringify(unpublished)}`);
  });
  console.log(`# postgres restart: down ${OUTAGE_MS} ms; ${publishedWhileDown} samples published while it was down; `
    + `every host stored twice more within ${resumedAfterMs} ms of it being back; ${published.size} samples, each stored once`);
  assert.ok(publishedWhileDown > 0, 'polls in flight when the database went down finished while it was down');
  assert.match(writer.log, /storing poll results failed; retrying/);
});
