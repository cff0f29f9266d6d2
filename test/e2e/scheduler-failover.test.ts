// Two `vigil scheduler` processes: only one publishes jobs, and when it is killed with -9 the
// standby takes over within two poll intervals.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import amqp from 'amqplib';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { TOPIC_NAMES } from '../../lib/bus/amqp-topology.ts';
import type { MessageBus } from '../../lib/bus/message-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { killAll, spawnVigil, type VigilProcess } from '../support/vigil-process.ts';
import { waitFor } from '../support/wait-for.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const INTERVAL_SEC = 3;
const prefix = `vigil-failover-${randomBytes(4).toString('hex')}`;
let database: TestDatabase;
let dir: string;
let probe: MessageBus;
const jobTimes: number[] = [];
const schedulers: VigilProcess[] = [];

before(async () => {
  database = await createTestDatabase('postgres');
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-failover-'));
  await writeFile(path.join(dir, 'hosts'), `probe-host ansible_connection=local vigil_interval=${INTERVAL_SEC}\n`);
  probe = await connectAmqpBus({ url: AMQP_URL, prefix, log: silentLogger });
  // Stands in for the workers: the one subscription on the partitioned topic gets every job.
  await probe.subscribe('poll.jobs', { name: 'probe', durable: false, prefetch: 100 }, async () => {
    jobTimes.push(Date.now());
  });
  for (let i = 0; i < 2; i++) {
    schedulers.push(
      spawnVigil(['scheduler'], {
        VIGIL_DATABASE_URL: database.url,
        VIGIL_AMQP_URL: AMQP_URL,
        VIGIL_AMQP_PREFIX: prefix,
        VIGIL_INVENTORY: path.join(dir, 'hosts'),
      }),
    );
  }
});

after(async () => {
  await killAll(schedulers);
  await probe?.close();
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${prefix}.${topic}`);
  await connection.close();
  await database?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ACTIVE = 'this scheduler is now the active one';

test('one scheduler is active; killed with -9, the standby takes over within two intervals', async () => {
  const active = await waitFor('one scheduler to become active', 60_000, () => schedulers.find((s) => s.log.includes(ACTIVE))).catch(
    (error: Error) => assert.fail(`${error.message}\n${schedulers.map((s) => s.log).join('\n---\n')}`),
  );
  const standby = schedulers.find((s) => s !== active)!;
  await waitFor('jobs from the active scheduler', 30_000, () => (jobTimes.length >= 2 ? true : undefined));
  // Both are up and the standby waited the whole time.
  assert.match(standby.log, /standing by until this scheduler holds the leader lock/);
  assert.doesNotMatch(standby.log, new RegExp(ACTIVE));
  // One host at one interval: one scheduler's worth of jobs, not two.
  const count = jobTimes.length;
  await new Promise((resolve) => setTimeout(resolve, INTERVAL_SEC * 2000));
  assert.ok(jobTimes.length - count <= 3, `one active scheduler publishes ~2 jobs in 2 intervals, saw ${jobTimes.length - count}`);

  const killedAt = Date.now();
  active.child.kill('SIGKILL');
  await waitFor('the standby to take over', 30_000, () => (standby.log.includes(ACTIVE) ? true : undefined));
  const resumedAt = await waitFor('jobs again', 30_000, () => jobTimes.find((t) => t > killedAt));
  const gapMs = resumedAt - killedAt;
  console.log(`# scheduler failover: first job ${gapMs} ms after kill -9 of the active scheduler (interval ${INTERVAL_SEC} s)`);
  assert.ok(gapMs < INTERVAL_SEC * 2000, `jobs resumed ${gapMs} ms after the kill`);
});
