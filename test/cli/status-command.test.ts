import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { sql } from 'kysely';
import { knownQueueNames } from '../../lib/metrics/amqp-queue-stats.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
let testDb: TestDatabase;

before(async () => {
  testDb = await createTestDatabase('postgres');
});

after(async () => {
  await testDb?.close();
});

beforeEach(async () => {
  await testDb.db.deleteFrom('service_heartbeats').execute();
  await testDb.db.deleteFrom('hosts').execute();
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function vigilStatus(args: string[], env: Record<string, string | undefined>): Promise<Outcome> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(base)) if (name.startsWith('VIGIL_')) delete base[name];
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/vigil.mjs', 'status', ...args], { env: { ...base, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function beat(service: string, instance: string, secondsAgo: number, info: Record<string, unknown> = {}): Promise<void> {
  await testDb.db.insertInto('service_heartbeats').values({
    service, instance, host: 'box-1', pid: 4242, started_at: new Date(Date.now() - 3_600_000),
    seen_at: sql<Date>`now() - make_interval(secs => ${secondsAgo})`, info: JSON.stringify(info),
  }).execute();
}

async function host(name: string, status: 'up' | 'down' | 'unknown', reason: string | null = null): Promise<void> {
  await testDb.db.insertInto('hosts').values({
    name, address: `${name}.example`, connection: 'ssh', groups: '[]', interval_sec: 10, status, status_reason: reason,
    status_message: reason ? `${reason} on port 22` : null, last_poll_at: status === 'unknown' ? null : sql<Date>`now() - interval '2 seconds'`,
  }).execute();
}

void test('a healthy pipeline: services with their last heartbeat, hosts up, exit 0', async () => {
  await beat('scheduler', 'box-1-4242-aaaa', 1, { active: true, hosts: 2 });
  await beat('writer', 'box-1-4243-bbbb', 2);
  await host('web-1', 'up');
  await host('web-2', 'up');
  const { code, stdout, stderr } = await vigilStatus([], { VIGIL_DATABASE_URL: testDb.url });
  assert.equal(code, 0, stdout + stderr);
  assert.match(stdout, /^Vigil: healthy$/m);
  assert.match(stdout, /^ {2}scheduler +box-1-4242-aaaa +box-1 +4242 +\d+ s ago +active=true hosts=2$/m);
  assert.match(stdout, /^ {2}writer +box-1-4243-bbbb +box-1 +4242 +\d+ s ago$/m);
  assert.match(stdout, /^ {2}2 up, 0 down, 0 unknown$/m);
  assert.match(stdout, /^ {2}newest stored \d+ s ago \(trouble above 60 s\)$/m);
  assert.match(stdout, /^ {2}not checked \(VIGIL_AMQP_URL is not set\)$/m);
});

void test('a stale writer and a host down: listed as problems, exit 1', async () => {
  await beat('scheduler', 's-1', 1);
  await beat('writer', 'w-1', 95);
  await host('web-1', 'up');
  await host('db-1', 'down', 'refused');
  await host('new-1', 'unknown');
  const { code, stdout } = await vigilStatus([], { VIGIL_DATABASE_URL: testDb.url });
  assert.equal(code, 1, stdout);
  assert.match(stdout, /^Vigil: UNHEALTHY \(2 problems\)$/m);
  assert.match(stdout, /^ {2}- writer not seen for \d{2,3} s$/m);
  assert.match(stdout, /^ {2}- 1 host down: db-1$/m);
  assert.match(stdout, /^ {2}writer +w-1 .* \d{2,3} s ago \(stale\)$/m);
  assert.match(stdout, /^ {2}1 up, 1 down, 1 unknown$/m);
  assert.match(stdout, /^ {2}down: db-1 \(refused\): refused on port 22$/m);
});

void test('--json: the same facts, machine-readable', async () => {
  await beat('scheduler', 's-1', 1);
  await host('db-1', 'down', 'timeout-connect');
  const { code, stdout } = await vigilStatus(['--json'], { VIGIL_DATABASE_URL: testDb.url });
  assert.equal(code, 1);
  const status = JSON.parse(stdout) as { healthy: boolean; problems: string[]; services: Array<{ service: string; lastSeenSeconds: number }>; hosts: Record<string, number>; downHosts: Array<{ name: string; reason: string }>; writeLagSeconds: number; queues: null };
  assert.equal(status.healthy, false);
  assert.deepEqual(status.problems, ['no writer has ever reported (is one running, on this database?)', '1 host down: db-1']);
  assert.deepEqual(status.services.map((s) => s.service), ['scheduler']);
  assert.ok(status.services[0]!.lastSeenSeconds < 30);
  assert.deepEqual(status.hosts, { up: 0, down: 1, unknown: 0 });
  assert.deepEqual(status.downHosts.map((h) => [h.name, h.reason]), [['db-1', 'timeout-connect']]);
  assert.ok(status.writeLagSeconds >= 1 && status.writeLagSeconds < 30);
  assert.equal(status.queues, null);
});

void test('with VIGIL_AMQP_URL: queue depths and consumers; a backlog over --max-backlog is unhealthy', async () => {
  await beat('scheduler', 's-1', 1);
  await beat('writer', 'w-1', 1);
  await host('web-1', 'up');
  const prefix = `vigil-status-${randomBytes(4).toString('hex')}`;
  const [writerQueue] = knownQueueNames(prefix) as [string];
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(writerQueue, { durable: true });
    for (let i = 0; i < 5; i++) channel.sendToQueue(writerQueue, Buffer.from('{}'), { persistent: true });
    await channel.waitForConfirms();
    await channel.close();
    const env = { VIGIL_DATABASE_URL: testDb.url, VIGIL_AMQP_URL: AMQP_URL, VIGIL_AMQP_PREFIX: prefix };

    const within = await vigilStatus([], env);
    assert.equal(within.code, 0, within.stdout + within.stderr);
    assert.match(within.stdout, new RegExp(`^ {2}${writerQueue.replaceAll('.', '\\.')} +5 +0$`, 'm'));
    assert.match(within.stdout, new RegExp(`^ {2}${prefix}\\.alert\\.events\\.alerter +absent +-$`, 'm'));

    const over = await vigilStatus(['--max-backlog', '3', '--json'], env);
    assert.equal(over.code, 1);
    const status = JSON.parse(over.stdout) as { problems: string[]; queues: Array<{ queue: string; exists: boolean; messages: number; consumers: number }> };
    assert.deepEqual(status.problems, [`queue ${writerQueue} holds 5 messages (over 3)`]);
    assert.deepEqual(status.queues.find((q) => q.queue === writerQueue), { queue: writerQueue, exists: true, messages: 5, consumers: 0 });
  } finally {
    const channel = await connection.createChannel();
    await channel.deleteQueue(writerQueue);
    await channel.close();
    await connection.close();
  }
});

void test('without VIGIL_DATABASE_URL: says what it needs, exit 1', async () => {
  const { code, stdout, stderr } = await vigilStatus([], {});
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.match(stderr, /VIGIL_DATABASE_URL is required by `vigil status`/);
});
