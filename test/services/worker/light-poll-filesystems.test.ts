// df runs on full polls only (script version 5): a real OpenSSH host whose PATH starts with a `df`
// that counts its runs is polled through the worker, and every sample, light ones included, still
// has the host's filesystems when the writer's own applyPollResults has stored it in PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../../lib/bus/message-bus.ts';
import { applyPollResults } from '../../../lib/db/queries/apply-poll-results.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollResult, PollSuccess } from '../../../lib/poll/poll-messages.ts';
import { startWorker } from '../../../services/worker/worker-service.ts';
import type { Worker } from '../../../services/worker/worker-service.ts';
import { startTestSshd } from '../../support/sshd.ts';
import type { TestSshd } from '../../support/sshd.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { waitFor } from '../../support/wait-for.ts';

let dir: string;
let dfCalls: string;
let sshd: TestSshd;
let database: TestDatabase;
let bus: MemoryBus;
let resultsSubscription: Subscription;
const results: PollResult[] = [];
let target: HostTarget;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-df-count-'));
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'bin'), { mode: 0o755 });
  dfCalls = join(dir, 'df-calls');
  // The test user writes it: the poll runs as that user, not as root.
  await writeFile(dfCalls, '');
  await chmod(dfCalls, 0o666);
  const df = join(dir, 'bin', 'df');
  await writeFile(df, `#!/bin/sh\nprintf 'df\\n' >> '${dfCalls}'\nPATH=/usr/bin:/bin exec df "$@"\n`);
  await chmod(df, 0o755);
  [sshd, database] = await Promise.all([
    startTestSshd({ setEnv: { PATH: `${join(dir, 'bin')}:/usr/local/bin:/usr/bin:/bin` } }),
    createTestDatabase('postgres'),
  ]);
  // vigil_processes_every 30 s at vigil_interval 10: a full poll every third.
  target = {
    name: 'disks', connection: 'ssh', address: sshd.host, port: sshd.port, user: sshd.user, privateKeyFile: sshd.clientKeyFile,
    intervalSec: 10, processesEverySec: 30, groups: [],
  };
  bus = new MemoryBus();
  resultsSubscription = await bus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 100 }, async (r) => {
    results.push(r);
  });
});

after(async () => {
  await resultsSubscription.close();
  await bus.close();
  await Promise.all([sshd.stop(), database.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function dfRuns(): Promise<number> {
  return (await readFile(dfCalls, 'utf8')).split('\n').filter((line) => line === 'df').length;
}

let seq = 0;
async function poll(): Promise<PollSuccess> {
  const now = Date.now();
  const job = { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
  await bus.publish('poll.jobs', job);
  const result = await waitFor(`poll ${job.seq}`, 30_000, () => results.find((r) => r.seq === job.seq));
  assert.ok(result.kind === 'sample', JSON.stringify(result));
  return result;
}

/** Polls through a fresh worker, as after a restart or a host moving to another worker; returns the df runs each poll added. */
async function pollWithNewWorker(polls: number): Promise<{ samples: PollSuccess[]; dfRunsPerPoll: number[] }> {
  const worker: Worker = await startWorker({ bus, log: silentLogger, connectTimeoutMs: 5000, execTimeoutMs: 20_000, primeDelayMs: 0 });
  try {
    const samples: PollSuccess[] = [];
    const dfRunsPerPoll: number[] = [];
    for (let i = 0; i < polls; i++) {
      const before = await dfRuns();
      samples.push(await poll());
      dfRunsPerPoll.push((await dfRuns()) - before);
    }
    return { samples, dfRunsPerPoll };
  } finally {
    await worker.stop();
  }
}

void test('df runs on full polls only, and every sample, light ones too, has the filesystems of the last full poll with its time', async () => {
  const { samples, dfRunsPerPoll } = await pollWithNewWorker(7);
  assert.deepEqual(samples.map((r) => r.sample.pollScript), ['full', 'light', 'light', 'full', 'light', 'light', 'full']);
  assert.deepEqual(dfRunsPerPoll, [1, 0, 0, 1, 0, 0, 1], 'the fake df earlier in PATH ran once per full poll');
  let fullAt: number | null = null;
  for (const { sample } of samples) {
    if (sample.pollScript === 'full') fullAt = sample.ts;
    assert.deepEqual(sample.missing, [], `${sample.pollScript ?? ''} poll at ${sample.ts}`);
    assert.ok(sample.filesystems.some((fs) => fs.mount === '/'), `${sample.pollScript ?? ''} poll at ${sample.ts}`);
    assert.ok(sample.diskUsedPctMax !== null);
    assert.equal(sample.filesystemsAt, fullAt);
  }
  const [full, light] = samples;
  assert.deepEqual(light?.sample.filesystems, full?.sample.filesystems, 'a light poll shows what the full one read');

  // A new worker knows nothing of the host: its first poll is full and reads them at once.
  const restarted = await pollWithNewWorker(2);
  assert.deepEqual(restarted.samples.map((r) => r.sample.pollScript), ['full', 'light']);
  assert.deepEqual(restarted.dfRunsPerPoll, [1, 0]);
  assert.equal(restarted.samples[1]?.sample.filesystemsAt, restarted.samples[0]?.sample.ts);

  // Stored as the writer stores them: every row has the filesystems and the fullest one's %.
  const all = [...samples, ...restarted.samples];
  await applyPollResults(database.db, all, { downAfter: 3 });
  const rows = await database.db.selectFrom('samples').select(['ts', 'filesystems', 'disk_used_pct_max'])
    .where('host', '=', target.name).orderBy('ts').execute();
  assert.equal(rows.length, all.length);
  rows.forEach((row, index) => {
    const stored: unknown = typeof row.filesystems === 'string' ? JSON.parse(row.filesystems) : row.filesystems;
    assert.ok(Array.isArray(stored) && stored.some((fs: { mount?: string }) => fs.mount === '/'), `row ${index}`);
    assert.equal(row.disk_used_pct_max, all[index]?.sample.diskUsedPctMax, `row ${index}`);
  });
});
