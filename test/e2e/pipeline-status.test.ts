// Every role shows in `vigil status`: the six services wired exactly as their `vigil <service>`
// entry points wire them (the worker's heartbeat going over RabbitMQ to the writer), on real
// PostgreSQL and RabbitMQ; and `vigil up`'s single process, whose roles each beat too.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import amqp from 'amqplib';
import { TOPIC_NAMES } from '../../lib/bus/amqp-topology.ts';
import { loadConfig } from '../../lib/config.ts';
import { silentLogger } from '../../lib/log.ts';
import { readPipelineStatus } from '../../lib/metrics/pipeline-status.ts';
import type { PipelineStatus } from '../../lib/metrics/pipeline-status.ts';
import { PROJECT_ROOT } from '../../lib/paths.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { runAllInOne } from '../../cli/run-all-in-one.ts';
import { runAlerter } from '../../services/alerter/main.ts';
import { runEvaluator } from '../../services/evaluator/main.ts';
import { runScheduler } from '../../services/scheduler/main.ts';
import { runWeb } from '../../services/web/main.ts';
import { runWorker } from '../../services/worker/main.ts';
import { runWriter } from '../../services/writer/main.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const ROLES = ['alerter', 'evaluator', 'scheduler', 'web', 'worker', 'writer'];
const RULES = 'rules:\n  - name: cpu_busy\n    kind: threshold\n    metric: cpuBusyPct\n    levels: { warning: 90 }\n';

let dir: string;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vigil-status-e2e-'));
  await writeFile(path.join(dir, 'hosts'), 'localhost ansible_connection=local vigil_interval=2\n');
  await writeFile(path.join(dir, 'alerts.yml'), RULES);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

type StatusJson = PipelineStatus & { healthy: boolean; problems: string[] };

function vigilStatus(env: Record<string, string>): Promise<StatusJson> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(base)) if (name.startsWith('VIGIL_')) delete base[name];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin/vigil.mjs'), 'status', '--json'], { env: { ...base, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      // Exit 1 (unhealthy) still prints the JSON; anything else is a failure of the command.
      if (error && typeof error.code !== 'number') return reject(new Error(`vigil status failed: ${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as StatusJson);
      } catch {
        reject(new Error(`vigil status printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });
}

const roles = (services: PipelineStatus['services']): string[] => [...new Set(services.map((s) => s.service))].sort();

void describe('a fleet: one process per service', () => {
  const prefix = `vigil-status-e2e-${randomBytes(4).toString('hex')}`;
  let database: TestDatabase;
  let env: Record<string, string>;
  const steps: ShutdownStep[] = [];
  let workerSteps: ShutdownStep[] = [];

  before(async () => {
    database = await createTestDatabase('postgres');
    env = {
      VIGIL_DATABASE_URL: database.url as string,
      VIGIL_AMQP_URL: AMQP_URL,
      VIGIL_AMQP_PREFIX: prefix,
      VIGIL_INVENTORY: path.join(dir, 'hosts'),
      VIGIL_ALERT_RULES: path.join(dir, 'alerts.yml'),
      VIGIL_METRICS_PORT: '0',
      VIGIL_HTTP_PORT: '0',
      VIGIL_DATA_DIR: path.join(dir, 'data'),
    };
    // Consumers first, so no message is published before its queue exists.
    steps.unshift(...(await runWriter(loadConfig('writer', env), silentLogger)));
    steps.unshift(...(await runEvaluator(loadConfig('evaluator', env), silentLogger)));
    steps.unshift(...(await runAlerter(loadConfig('alerter', env), silentLogger)));
    steps.unshift(...(await runWeb(loadConfig('web', env), silentLogger)));
    workerSteps = await runWorker(loadConfig('worker', env), silentLogger);
    steps.unshift(...(await runScheduler(loadConfig('scheduler', env), silentLogger)));
  });

  after(async () => {
    for (const step of [...workerSteps, ...steps]) await step.run().catch(() => undefined);
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      for (const queue of ['poll.results.writer', 'poll.results.evaluator', 'alert.events.alerter']) await channel.deleteQueue(`${prefix}.${queue}`);
      for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${prefix}.${topic}`);
      await channel.close();
    } finally {
      await connection.close();
    }
    await database?.close();
  });

  void test('vigil status sees every role, the worker through its beats over the bus', async () => {
    const status = await waitFor('every role in vigil status', 60_000, async () => {
      const seen = await vigilStatus(env);
      return roles(seen.services).join() === ROLES.join() ? seen : undefined;
    });
    assert.ok(!status.problems.some((p) => /never reported|not seen/.test(p)), status.problems.join('\n'));
    for (const seen of status.services) assert.ok(seen.lastSeenSeconds < 30, `${seen.service} seen ${seen.lastSeenSeconds} s ago`);
    const evaluator = status.services.find((s) => s.service === 'evaluator');
    assert.deepEqual(evaluator?.info, { rules: 1, rulesFile: env['VIGIL_ALERT_RULES'], rulesProblem: null });
    const worker = status.services.find((s) => s.service === 'worker');
    assert.match(String(worker?.info['subscription']), /^worker-/);
    // No host is polled here: none connected, none connecting.
    assert.equal(worker?.info['sshOpen'], 0);
    assert.equal(worker?.info['sshConnecting'], 0);
    // The jobs each took or published since its previous beat, which `vigil status` judges for overload.
    const recent = (service: string): Record<string, unknown> => status.services.find((s) => s.service === service)?.info['recentJobs'] as Record<string, unknown>;
    assert.deepEqual(Object.keys(recent('worker')).sort(), ['expired', 'seconds', 'taken']);
    assert.ok(Object.values(recent('worker')).every((v) => typeof v === 'number' && v >= 0), JSON.stringify(recent('worker')));
    // The scheduler's, once it holds the lock (its first beat may come before).
    const scheduler = await waitFor('the active scheduler\'s counts', 30_000, async () => {
      const info = (await readPipelineStatus(database.db)).services.find((s) => s.service === 'scheduler')?.info;
      return info?.['active'] === true && info['recentJobs'] !== undefined ? (info['recentJobs'] as Record<string, unknown>) : undefined;
    });
    assert.deepEqual(Object.keys(scheduler).sort(), ['answeredLate', 'lost', 'publishFailed', 'published', 'seconds', 'skipped']);
    assert.ok(!status.problems.some((p) => /expired unanswered/.test(p)), status.problems.join('\n'));
  });

  void test('a broken edit of the rules file shows in the evaluator\'s and the alerter\'s heartbeat, and clears when mended', async () => {
    const file = env['VIGIL_ALERT_RULES'] as string;
    const temp = `${file}.tmp`;
    await writeFile(temp, RULES.replace('warning: 90', 'warning: lots'));
    await rename(temp, file);
    // Within a heartbeat (5 s) of the reload.
    const broken = await waitFor('the problem in both heartbeats', 30_000, async () => {
      const status = await readPipelineStatus(database.db);
      const problems = status.services.filter((s) => s.service === 'evaluator' || s.service === 'alerter').map((s) => s.info['rulesProblem']);
      return problems.length === 2 && problems.every((p) => typeof p === 'string') ? (problems as string[]) : undefined;
    });
    for (const problem of broken) assert.ok(problem.includes(`${file}:5: `), problem);
    await writeFile(temp, RULES.replace('warning: 90', 'warning: 95'));
    await rename(temp, file);
    await waitFor('the problem cleared', 30_000, async () => {
      const status = await readPipelineStatus(database.db);
      return status.services.filter((s) => s.info['rulesProblem'] === null).length === 2 ? true : undefined;
    });
  });

  void test('a worker stopped on purpose leaves no row behind', async () => {
    for (const step of workerSteps.splice(0)) await step.run();
    await waitFor('the worker gone from status', 30_000, async () => {
      const status = await readPipelineStatus(database.db);
      return status.services.some((s) => s.service === 'worker') ? undefined : true;
    });
  });
});

void describe('vigil up: every role in one process', () => {
  void test('each role has its heartbeat while it runs, and none after a clean stop', async () => {
    const database = await createTestDatabase('postgres');
    const env = {
      VIGIL_DATABASE_URL: database.url as string,
      VIGIL_INVENTORY: path.join(dir, 'hosts'),
      VIGIL_ALERT_RULES: path.join(dir, 'alerts.yml'),
      VIGIL_HTTP_PORT: '0',
      VIGIL_DATA_DIR: path.join(dir, 'data-up'),
    };
    let steps: ShutdownStep[] = [];
    try {
      ({ steps } = await runAllInOne(loadConfig('up', env), silentLogger, () => {}));
      const status = await readPipelineStatus(database.db);
      assert.deepEqual(roles(status.services), ROLES);
      assert.equal(new Set(status.services.map((s) => s.pid)).size, 1, 'one process');
      // What the overload check reads: the scheduler's jobs since its last beat, as a fleet's scheduler gives them.
      const jobs = status.services.find((s) => s.service === 'scheduler')?.info['recentJobs'] as Record<string, unknown> | undefined;
      for (const field of ['seconds', 'published', 'lost', 'answeredLate']) assert.equal(typeof jobs?.[field], 'number', `recentJobs.${field}`);
      const cli = await vigilStatus({ VIGIL_DATABASE_URL: env.VIGIL_DATABASE_URL });
      assert.deepEqual(roles(cli.services), ROLES);
      for (const step of steps.splice(0)) await step.run();
    } finally {
      for (const step of steps) await step.run().catch(() => undefined);
    }
    try {
      assert.deepEqual((await readPipelineStatus(database.db)).services, []);
    } finally {
      await database.close();
    }
  });
});
