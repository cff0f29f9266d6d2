// The fleet deployment end to end: scheduler, worker and writer wired exactly as their
// `vigil <service>` entry points wire them, on this machine's real RabbitMQ and PostgreSQL,
// polling a real sshd, a port where nothing listens, and a host that refuses our key.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import amqp from 'amqplib';
import { sql } from 'kysely';
import { TOPIC_NAMES } from '../../lib/bus/amqp-topology.ts';
import { loadConfig } from '../../lib/config.ts';
import { silentLogger } from '../../lib/log.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { runScheduler } from '../../services/scheduler/main.ts';
import { runWorker } from '../../services/worker/main.ts';
import { runWriter } from '../../services/writer/main.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createUnrelatedKey, findRefusedPort, startTestSshd, type TestSshd } from '../support/sshd.ts';
import { waitFor } from '../support/wait-for.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const prefix = `vigil-e2e-${randomBytes(4).toString('hex')}`;
let database: TestDatabase;
let sshd: TestSshd;
let dir: string;
const steps: ShutdownStep[] = [];

before(async () => {
  database = await createTestDatabase('postgres');
  sshd = await startTestSshd();
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-e2e-'));
  const wrongKey = await createUnrelatedKey(dir);
  const common = `ansible_host=127.0.0.1 ansible_user=${sshd.user} vigil_interval=1`;
  const inventory = path.join(dir, 'hosts');
  await writeFile(
    inventory,
    [
      '[good]',
      `sshhost ${common} ansible_port=${sshd.port} ansible_ssh_private_key_file=${sshd.clientKeyFile}`,
      '[bad]',
      `refused ${common} ansible_port=${await findRefusedPort()} ansible_ssh_private_key_file=${sshd.clientKeyFile}`,
      `wrongkey ${common} ansible_port=${sshd.port} ansible_ssh_private_key_file=${wrongKey}`,
      '',
    ].join('\n'),
  );
  const env = { VIGIL_DATABASE_URL: database.url, VIGIL_AMQP_URL: AMQP_URL, VIGIL_AMQP_PREFIX: prefix, VIGIL_INVENTORY: inventory };
  // Consumers first, so no message is published before its queue exists.
  steps.unshift(...(await runWriter(loadConfig('writer', env), silentLogger)));
  steps.unshift(...(await runWorker(loadConfig('worker', env), silentLogger)));
  steps.unshift(...(await runScheduler(loadConfig('scheduler', env), silentLogger)));
});

after(async () => {
  for (const step of steps) await step.run();
  await deleteBrokerObjects();
  await database?.close();
  await sshd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function deleteBrokerObjects(): Promise<void> {
  // Workers' queues are transient and went with them; the durable ones and the exchanges stay.
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of ['poll.results.writer', 'poll.results.evaluator', 'alert.events.alerter']) {
      await channel.deleteQueue(`${prefix}.${queue}`);
    }
    for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${prefix}.${topic}`);
    await channel.close();
  } finally {
    await connection.close();
  }
}

test('samples of a real sshd host arrive in PostgreSQL with plausible values', async () => {
  const memTotal = Number(/MemTotal:\s+(\d+) kB/.exec(await readFile('/proc/meminfo', 'utf8'))?.[1]) * 1024;
  const rows = await waitFor('three samples of sshhost', 60_000, async () => {
    const found = await database.db.selectFrom('samples').selectAll().where('host', '=', 'sshhost').orderBy('ts').execute();
    return found.length >= 3 ? found : undefined;
  });
  const withRates = rows.filter((r) => r.cpu_busy_pct !== null);
  assert.ok(withRates.length >= 2, 'every poll after the first has a CPU busy %');
  for (const row of withRates) assert.ok(row.cpu_busy_pct! >= 0 && row.cpu_busy_pct! <= 100, `CPU ${row.cpu_busy_pct}`);
  for (const row of rows) {
    assert.equal(row.mem_total_bytes, memTotal);
    assert.ok(row.mem_used_pct! > 0 && row.mem_used_pct! < 100);
    assert.ok(row.filesystems.length >= 1, 'at least one filesystem');
    assert.ok(row.load1! >= 0 && row.uptime_sec! > 0);
  }
  const host = await database.db.selectFrom('hosts').selectAll().where('name', '=', 'sshhost').executeTakeFirstOrThrow();
  assert.equal(host.status, 'up');
  assert.deepEqual(host.groups, ['good']);
});

test('an unreachable port and a refused key give failure records while the good host keeps being polled', async () => {
  const reasons = await waitFor('failure records of both bad hosts', 60_000, async () => {
    const found = await database.db
      .selectFrom('poll_failures')
      .select(['host', 'reason', 'message'])
      .distinctOn('host')
      .orderBy('host')
      .execute();
    return found.length === 2 ? found : undefined;
  });
  assert.deepEqual(reasons.map((r) => [r.host, r.reason]), [['refused', 'refused'], ['wrongkey', 'auth-failed']]);
  for (const r of reasons) assert.match(r.message, /127\.0\.0\.1/, 'the message names the address');

  const down = await waitFor('both bad hosts to be down after 3 failed polls', 60_000, async () => {
    const hosts = await database.db.selectFrom('hosts').select(['name', 'status', 'status_reason']).where('status', '=', 'down').orderBy('name').execute();
    return hosts.length === 2 ? hosts : undefined;
  });
  assert.deepEqual(down.map((h) => h.status_reason), ['refused', 'auth-failed']);

  const before = await countSamples('sshhost');
  await waitFor('more samples of the good host', 30_000, async () => ((await countSamples('sshhost')) > before ? true : undefined));
});

async function countSamples(host: string): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from samples where host = ${host}`.execute(database.db);
  return row.rows[0]!.n;
}
