// RabbitMQ restarted mid-run: the scheduler, a worker and the writer (each its own `vigil`
// process, on a private broker) reconnect by themselves, polling resumes, and every sample a
// worker published is in PostgreSQL exactly once. Nobody restarts a service.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import type { MessageBus } from '../../lib/bus/message-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import { startPrivateRabbitmq, type PrivateRabbitmq } from '../support/private-rabbitmq.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { killAll, spawnVigil, type VigilProcess } from '../support/vigil-process.ts';
import { waitFor } from '../support/wait-for.ts';

const HOSTS = Array.from({ length: 6 }, (_, i) => `local-${i}`);
const OUTAGE_MS = 4000;
let broker: PrivateRabbitmq;
let database: TestDatabase;
let dir: string;
let probe: MessageBus | undefined;
/** host@ts of every sample a worker published, as the probe's durable queue received them. */
const published = new Set<string>();
const services: VigilProcess[] = [];

before(async () => {
  [broker, database] = await Promise.all([startPrivateRabbitmq(), createTestDatabase('postgres')]);
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-rabbitmq-restart-'));
  const inventory = path.join(dir, 'hosts');
  await writeFile(inventory, HOSTS.map((h) => `${h} ansible_connection=local vigil_interval=1`).join('\n') + '\n');
  const prefix = `vigil-restart-${randomBytes(4).toString('hex')}`;
  probe = await connectAmqpBus({ url: broker.url, prefix, log: silentLogger });
  // Durable, like the writer's: results published while the broker restarts must reach it too.
  await probe.subscribe('poll.results', { name: 'probe', durable: true, prefetch: 100 }, async (result) => {
    if (result.kind === 'sample') published.add(`${result.host}@${result.sample.ts}`);
  });
  const env = {
    VIGIL_DATABASE_URL: database.url,
    VIGIL_AMQP_URL: broker.url,
    VIGIL_AMQP_PREFIX: prefix,
    VIGIL_INVENTORY: inventory,
    VIGIL_DATA_DIR: dir,
    VIGIL_METRICS_PORT: '0',
  };
  for (const service of ['writer', 'worker', 'scheduler']) services.push(spawnVigil([service], env));
});

after(async () => {
  await killAll(services);
  await probe?.close();
  await broker?.stop();
  await database?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function samplesAfter(host: string, ms: number): number {
  return [...published].filter((key) => key.startsWith(`${host}@`) && Number(key.slice(host.length + 1)) > ms).length;
}

test('after a RabbitMQ restart every service reconnects by itself and nothing published is lost or stored twice', async () => {
  await waitFor('two samples of every host', 60_000, () => (HOSTS.every((h) => samplesAfter(h, 0) >= 2) ? true : undefined)).catch((error: Error) =>
    assert.fail(`${error.message}\n${services.map((s) => s.log).join('\n---\n')}`),
  );

  await broker.stopApp();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  await broker.startApp();
  const restartedAt = Date.now();

  await waitFor('every host polled again after the restart', 60_000, () => (HOSTS.every((h) => samplesAfter(h, restartedAt) >= 2) ? true : undefined)).catch(
    (error: Error) => assert.fail(`${error.message}\n${services.map((s) => s.log).join('\n---\n')}`),
  );
  const resumedAfterMs = Date.now() - restartedAt;
  // Hosts can be polled again before a service whose reconnect is in a longer backoff step (the
  // writer, say) is back, so each service gets its own wait.
  for (const service of services) {
    assert.equal(service.child.exitCode, null, `a service exited:\n${service.log}`);
    await waitFor(`service ${services.indexOf(service) + 1} (writer, worker, scheduler) to reconnect`, 60_000, () => (/reconnected to message broker/.test(service.log) ? true : undefined)).catch(
      (error: Error) => assert.fail(`${error.message}\n${service.log}`),
    );
  }

  // Polling stops (a graceful stop, which also drains), so that the two sets can settle.
  const scheduler = services[2]!;
  scheduler.child.kill('SIGTERM');
  assert.equal(await scheduler.exited, 0, scheduler.log);
  const storedKeys = async (): Promise<string[]> => {
    const rows = await database.db.selectFrom('samples').select(['host', 'ts']).execute();
    return rows.map((r) => `${r.host}@${r.ts.getTime()}`).sort();
  };
  await waitFor('the stored samples to be exactly those published', 60_000, async () => {
    const stored = await storedKeys();
    return stored.length === published.size && stored.every((key) => published.has(key)) ? true : undefined;
  }).catch(async (error: Error) => {
    const stored = new Set(await storedKeys());
    const lost = [...published].filter((key) => !stored.has(key));
    const unpublished = [...stored].filter((key) => !published.has(key));
    assert.fail(`${error.message}: published but not stored ${JSON.stringify(lost)}; stored but never published ${JSON.stringify(unpublished)}`);
  });
  // (host, ts) is the key: a redelivered or republished result cannot become a second row.
  const duplicates = await sql<{ n: number }>`select count(*)::int - count(distinct (host, ts))::int as n from samples`.execute(database.db);
  assert.equal(duplicates.rows[0]!.n, 0);
  console.log(`# rabbitmq restart: every host polled twice more within ${resumedAfterMs} ms of the broker being back; ${published.size} samples published, each stored once`);
});
