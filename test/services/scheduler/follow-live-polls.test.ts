import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { endLivePoll, startLivePoll } from '../../../lib/db/queries/live-polls.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob, PollResult } from '../../../lib/poll/poll-messages.ts';
import { followLivePolls } from '../../../services/scheduler/follow-live-polls.ts';
import { startScheduler } from '../../../services/scheduler/scheduler-service.ts';
import { startInventoryScheduler } from '../../../services/scheduler/start-inventory-scheduler.ts';
import { startWorker } from '../../../services/worker/worker-service.ts';
import { startTestSshd } from '../../support/sshd.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import { waitFor } from '../../support/wait-for.ts';

async function addHost(db: VigilDb, name: string, intervalSec: number): Promise<void> {
  await db.insertInto('hosts').values({ name, address: '127.0.0.1', connection: 'ssh', groups: '[]', interval_sec: intervalSec }).execute();
}

const liveArgs = (host: string, untilMs: number) => ({ host, intervalSec: 1, untilMs, requestedBy: 'ann', nowMs: Date.now(), maxLiveHosts: 20 });

void describe('followLivePolls', () => {
  void test('a live poll recorded in the database speeds up the host within a read; ending it there slows it down again', async (t) => {
    const cleanups: Array<() => Promise<unknown>> = [];
    t.after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
    const testDb = await createTestDatabase('pglite');
    cleanups.push(() => testDb.close());
    await addHost(testDb.db, 'db1', 4);
    const bus = new MemoryBus();
    cleanups.push(() => bus.close());
    const jobs: PollJob[] = [];
    // A worker that answers at once, so no poll is skipped as in flight.
    const workers = await bus.subscribe('poll.jobs', { name: 'workers', durable: true, prefetch: 100 }, async (job) => {
      jobs.push(job);
      const at = Date.now();
      await bus.publish('poll.results', { kind: 'failure', reason: 'refused', message: 'test', host: job.target.name, seq: job.seq, scheduledAt: job.scheduledAt, startedAt: at, finishedAt: at });
      await bus.publish('poll.done', { host: job.target.name, seq: job.seq });
    });
    cleanups.push(() => workers.close());
    const target: HostTarget = { name: 'db1', connection: 'ssh', address: '127.0.0.1', port: 22, user: 'vigil', privateKeyFile: null, intervalSec: 4, groups: [] };
    const scheduler = await startScheduler({ bus, log: silentLogger, loadTargets: async () => [target] });
    cleanups.push(() => scheduler.stop());
    const follower = followLivePolls({ db: testDb.db, log: silentLogger, scheduler, everyMs: 200 });
    cleanups.push(() => follower.stop());

    const liveJobs = (): PollJob[] => jobs.filter((job) => job.target.intervalSec === 1);
    assert.equal((await startLivePoll(testDb.db, liveArgs('db1', Date.now() + 600_000))).ok, true);
    await waitFor('three live jobs', 10_000, () => (liveJobs().length >= 3 ? true : undefined));

    assert.equal(await endLivePoll(testDb.db, { host: 'db1' }), true);
    const endedAt = Date.now();
    const firstUsual = await waitFor('a usual job after the end', 15_000, () => jobs.find((job) => job.scheduledAt > endedAt && job.target.intervalSec === 4));
    // Once the end is read the host is back on its usual slots: no live job after them.
    await waitFor('another usual job', 15_000, () => (jobs.some((job) => job.scheduledAt > firstUsual.scheduledAt) ? true : undefined));
    assert.ok(liveJobs().every((job) => job.scheduledAt < firstUsual.scheduledAt), JSON.stringify(liveJobs().map((job) => job.scheduledAt - endedAt)));
  });
});

void describe('live polling end to end: database, scheduler, worker, sshd', () => {
  void test('a live host is polled every second with light polls; the full poll keeps its usual period', async (t) => {
    const cleanups: Array<() => Promise<unknown>> = [];
    t.after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
    const sshd = await startTestSshd();
    cleanups.push(() => sshd.stop());
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-live-poll-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const hostsFile = path.join(dir, 'hosts');
    // At a 10 s interval a full poll comes every 6th poll; a live job that said 10 s would make
    // every 6th live poll full, one that says 1 s keeps it at once a minute.
    await writeFile(
      hostsFile,
      `[web]\nweb1 ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=${sshd.user} ansible_ssh_private_key_file=${sshd.clientKeyFile} ansible_host_key_checking=false vigil_interval=10\n`,
    );
    const testDb = await createTestDatabase('pglite');
    cleanups.push(() => testDb.close());
    await addHost(testDb.db, 'web1', 10);
    const untilMs = Date.now() + 9500;
    assert.equal((await startLivePoll(testDb.db, liveArgs('web1', untilMs))).ok, true);

    const bus = new MemoryBus();
    cleanups.push(() => bus.close());
    const results: PollResult[] = [];
    const subscription = await bus.subscribe('poll.results', { name: 'test-results', durable: false, prefetch: 100 }, async (result) => {
      results.push(result);
    });
    cleanups.push(() => subscription.close());
    const worker = await startWorker({ bus, log: silentLogger, connectTimeoutMs: 5000 });
    cleanups.push(() => worker.stop());
    const scheduler = await startInventoryScheduler({ bus, db: testDb.db, log: silentLogger, inventoryPath: hostsFile, watch: false });
    cleanups.push(() => scheduler.stop());

    await waitFor('the live polling to end', 30_000, () => (Date.now() > untilMs + 500 ? true : undefined), 200);
    const live = results.filter((result) => result.scheduledAt < untilMs);
    const failures = live.filter((result) => result.kind === 'failure');
    assert.deepEqual(failures, []);
    const scripts = live.map((result) => (result.kind === 'sample' ? (result.sample.pollScript ?? 'full') : 'failed'));
    assert.ok(live.length >= 7, `${live.length} polls while live: ${scripts.join(' ')}`);
    assert.equal(scripts[0], 'full', 'first contact is a full poll');
    assert.deepEqual(scripts.slice(1), scripts.slice(1).map(() => 'light'), scripts.join(' '));
    // On the live interval's slots; a slot may go by while a poll (the first, with its SSH login) runs.
    const slots = live.map((result) => result.scheduledAt);
    assert.ok(slots.slice(1).every((at, i) => (at - (slots[i] as number)) % 1000 === 0 && at > (slots[i] as number)), JSON.stringify(slots));
  });
});
