import { after, before, test } from 'node:test';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../../lib/bus/message-bus.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob, PollResult } from '../../../lib/poll/poll-messages.ts';
import type { PollDone } from '../../../lib/bus/poll-done.ts';
import { createVigilMetrics } from '../../../lib/metrics/vigil-metrics.ts';
import { startWorker } from '../../../services/worker/worker-service.ts';
import type { Worker } from '../../../services/worker/worker-service.ts';
import { createUnrelatedKey, findRefusedPort, startTestSshd } from '../../support/sshd.ts';
import type { TestSshd } from '../../support/sshd.ts';
import { parsePrometheusText, valueOf } from '../../metrics/prometheus-text.ts';

let sshd: TestSshd;
let bus: MemoryBus;
let worker: Worker;
let resultsSubscription: Subscription;
const results: PollResult[] = [];
/** Each completion notice, with how many results had arrived when it did. */
const dones: Array<PollDone & { resultsBefore: number }> = [];
let doneSubscription: Subscription;
let good: HostTarget;
let refused: HostTarget;
let wrongKey: HostTarget;
const local: HostTarget = {
  name: 'local',
  connection: 'local',
  address: 'localhost',
  port: 22,
  user: 'root',
  privateKeyFile: null,
  intervalSec: 10,
  groups: [],
};

before(async () => {
  sshd = await startTestSshd();
  const base = { connection: 'ssh' as const, address: sshd.host, user: sshd.user, intervalSec: 10, groups: [] };
  good = { ...base, name: 'good', port: sshd.port, privateKeyFile: sshd.clientKeyFile };
  refused = { ...base, name: 'refused', port: await findRefusedPort(), privateKeyFile: sshd.clientKeyFile };
  wrongKey = { ...base, name: 'wrong-key', port: sshd.port, privateKeyFile: await createUnrelatedKey(sshd.dir) };
  bus = new MemoryBus();
  // Subscribed before any job is published: the in-memory bus only copies to existing subscriptions.
  resultsSubscription = await bus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 100 }, async (r) => {
    results.push(r);
  });
  doneSubscription = await bus.subscribe('poll.done', { name: 'test', durable: false, prefetch: 100 }, async (d) => {
    dones.push({ ...d, resultsBefore: results.filter((r) => r.host === d.host && r.seq === d.seq).length });
  });
  worker = await startWorker({ bus, log: silentLogger, connectTimeoutMs: 3000, execTimeoutMs: 10_000, primeDelayMs: 0 });
});

after(async () => {
  await worker.stop();
  await resultsSubscription.close();
  await doneSubscription.close();
  await bus.close();
  await sshd.stop();
});

let seq = 0;
function job(target: HostTarget, expiresInMs = 60_000): PollJob {
  const now = Date.now();
  return { target, seq: ++seq, scheduledAt: now, expiresAt: now + expiresInMs };
}

async function waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; results so far: ${JSON.stringify(results.map(summary))}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function summary(r: PollResult): string {
  return `${r.host}#${r.seq}:${r.kind === 'sample' ? 'sample' : r.reason}`;
}

function resultFor(j: PollJob): PollResult | undefined {
  return results.find((r) => r.host === j.target.name && r.seq === j.seq);
}

void test('a good host keeps giving samples while broken hosts give failure records with their reasons', async () => {
  const goodResults: PollResult[] = [];
  for (let round = 0; round < 4; round++) {
    const jobs = [job(good), job(refused), job(wrongKey)];
    for (const j of jobs) await bus.publish('poll.jobs', j);
    const [g, r, w] = await Promise.all(jobs.map((j) => waitFor(`result of ${j.target.name}#${j.seq}`, () => resultFor(j))));
    assert.ok(g && r && w);
    assert.equal(g.kind, 'sample', JSON.stringify(g));
    assert.ok(r.kind === 'failure' && w.kind === 'failure');
    assert.equal(r.reason, 'refused', r.message);
    assert.equal(w.reason, 'auth-failed', w.message);
    goodResults.push(g);
    // Let the host's CPU counters tick between polls, so that a rate can be computed.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  const samples = goodResults.flatMap((r) => (r.kind === 'sample' ? [r.sample] : []));
  assert.equal(samples[0]?.cpuBusyPct, null, 'no rate without a previous poll');
  assert.ok(samples.slice(1).some((s) => s.cpuBusyPct !== null), 'the worker keeps the previous snapshot for rates');
});

void test('each result, good or failed, is followed by one completion notice carrying its host and seq', async () => {
  const jobs = [job(good), job(refused)];
  for (const j of jobs) await bus.publish('poll.jobs', j);
  for (const j of jobs) {
    const notice = await waitFor(`the completion of ${j.target.name}#${j.seq}`, () => dones.find((d) => d.host === j.target.name && d.seq === j.seq));
    assert.equal(notice.resultsBefore, 1, 'the notice comes after its result is with the bus');
  }
  assert.ok(jobs.every((j) => dones.filter((d) => d.host === j.target.name && d.seq === j.seq).length === 1));
});

void test('an expired job is dropped without a result', async () => {
  const host = { ...good, name: 'expiring' };
  const expired = job(host, -1);
  const fresh = job(host);
  // Were the expired job polled, it would still be in flight when the fresh one arrives, so the
  // fresh one would be the one dropped and the only result would carry the expired job's seq.
  const before = worker.jobCounts();
  await bus.publish('poll.jobs', expired);
  await bus.publish('poll.jobs', fresh);
  await waitFor('a result for the host', () => results.find((r) => r.host === 'expiring'));
  assert.deepEqual(results.filter((r) => r.host === 'expiring').map((r) => r.seq), [fresh.seq]);
  assert.deepEqual(dones.filter((d) => d.host === 'expiring').map((d) => d.seq), [fresh.seq], 'no completion for a dropped job');
  // Counted for its heartbeat, which `vigil status` judges: two taken, one of them expired.
  const after = worker.jobCounts();
  assert.deepEqual({ taken: after.taken - before.taken, expired: after.expired - before.expired }, { taken: 2, expired: 1 });
});

void test('a job for a host already being polled is dropped', async () => {
  const first = job(good);
  const duplicate = job(good);
  await bus.publish('poll.jobs', first);
  await bus.publish('poll.jobs', duplicate);
  await waitFor('the first job', () => resultFor(first));
  const next = job(good);
  await bus.publish('poll.jobs', next);
  await waitFor('the next job', () => resultFor(next));
  assert.equal(resultFor(duplicate), undefined);
});

void test('a host with ansible_connection=local is polled without SSH', async () => {
  const j = job(local);
  await bus.publish('poll.jobs', j);
  const r = await waitFor('the local job', () => resultFor(j));
  assert.equal(r.kind, 'sample', JSON.stringify(r));
});

void test('its SSH pool shows in the metrics: hosts connected, hosts connecting, connections started; nothing once it stopped', async () => {
  const metricsBus = new MemoryBus();
  const seen: PollResult[] = [];
  await metricsBus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 10 }, async (r) => {
    seen.push(r);
  });
  const metrics = createVigilMetrics({ processMetrics: false });
  const scrape = async () => parsePrometheusText(await metrics.registry.metrics());
  const metricsWorker = await startWorker({ bus: metricsBus, log: silentLogger, connectTimeoutMs: 3000, primeDelayMs: 0, metrics });
  try {
    assert.equal(valueOf(await scrape(), 'vigil_ssh_connections', { state: 'open' }), 0);
    assert.equal(valueOf(await scrape(), 'vigil_ssh_connects_total'), 0);
    for (const target of [good, refused, { ...good, name: 'good-too' }]) await metricsBus.publish('poll.jobs', job(target));
    await waitFor('three results', () => (seen.length >= 3 ? true : undefined));
    let samples = await scrape();
    // The refused host's entry went with its failed connect: only the two good ones stay.
    assert.equal(valueOf(samples, 'vigil_ssh_connections', { state: 'open' }), 2, JSON.stringify(seen.map(summary)));
    assert.equal(valueOf(samples, 'vigil_ssh_connections', { state: 'connecting' }), 0);
    assert.equal(valueOf(samples, 'vigil_ssh_connects_total'), 3);
    await metricsBus.publish('poll.jobs', job(good));
    await waitFor('a fourth result', () => (seen.length >= 4 ? true : undefined));
    samples = await scrape();
    assert.equal(valueOf(samples, 'vigil_ssh_connects_total'), 3, 'a reused connection is no new attempt');
    // A host that accepts the TCP connection and never says a word: connecting until the handshake times out.
    let accepted = false;
    const silent = createServer(() => {
      accepted = true;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      await metricsBus.publish('poll.jobs', job({ ...good, name: 'silent', port: (silent.address() as AddressInfo).port }));
      // Past the TCP connect, waiting for the SSH banner that never comes.
      await waitFor('the silent host\'s TCP connection', () => (accepted ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 200));
      samples = await scrape();
      assert.equal(valueOf(samples, 'vigil_ssh_connections', { state: 'connecting' }), 1);
      assert.equal(valueOf(samples, 'vigil_ssh_connections', { state: 'open' }), 2);
      assert.deepEqual(metricsWorker.sshConnections(), { open: 2, connecting: 1, started: 4 });
      const timedOut = await waitFor('the silent host\'s failure', () => seen.find((r) => r.host === 'silent'));
      assert.ok(timedOut.kind === 'failure', JSON.stringify(timedOut));
    } finally {
      silent.close();
    }
  } finally {
    await metricsWorker.stop();
    await metricsBus.close();
  }
  const afterStop = await scrape();
  assert.equal(valueOf(afterStop, 'vigil_ssh_connections', { state: 'open' }), undefined);
  assert.equal(valueOf(afterStop, 'vigil_ssh_connects_total'), 4, 'a counter keeps its count (the silent host was the fourth attempt)');
});

void test('the first contact with a host is polled again a second later, so its rates show at once', async () => {
  const primingBus = new MemoryBus();
  const seen: PollResult[] = [];
  await primingBus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 10 }, async (r) => {
    seen.push(r);
  });
  const primingWorker = await startWorker({ bus: primingBus, log: silentLogger, primeDelayMs: 300 });
  try {
    const j = job({ ...local, name: 'primed' });
    await primingBus.publish('poll.jobs', j);
    await waitFor('two results for one job', () => (seen.length >= 2 ? true : undefined));
    const [first, second] = seen.map((r) => (r.kind === 'sample' ? r.sample : assert.fail(JSON.stringify(r))));
    assert.equal(first?.cpuBusyPct, null, 'the first poll has no previous counters');
    assert.ok(second?.cpuBusyPct !== null && second!.cpuBusyPct! >= 0 && second!.cpuBusyPct! <= 100, 'the priming poll has rates');
    assert.ok(second!.ts - first!.ts >= 300);
    await primingBus.publish('poll.jobs', job({ ...local, name: 'primed' }));
    await waitFor('the next job', () => (seen.length >= 3 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(seen.length, 3, 'later polls are not doubled');
  } finally {
    await primingWorker.stop();
    await primingBus.close();
  }
});

void test('a host gets the full script on its first poll and then every Nth, light in between; with vigil_processes, always full', async () => {
  // vigil_interval 20: a full poll every 60 / 20 = 3 polls.
  const scheduled: HostTarget = { ...good, name: 'scheduled', intervalSec: 20 };
  const watched: HostTarget = { ...good, name: 'watched', intervalSec: 20, processPatterns: ['sshd'] };
  const scripts = async (target: HostTarget): Promise<Array<string | undefined>> => {
    const seen: Array<string | undefined> = [];
    for (let i = 0; i < 5; i++) {
      const j = job(target);
      await bus.publish('poll.jobs', j);
      const r = await waitFor(`${target.name} poll ${i}`, () => resultFor(j));
      assert.equal(r.kind, 'sample', summary(r));
      if (r.kind !== 'sample') continue;
      seen.push(r.sample.pollScript);
      if (r.sample.pollScript === 'light') {
        assert.equal(r.sample.processes, undefined, 'a light poll carries no process lists');
        assert.equal(r.sample.facts, null);
        assert.ok(!r.sample.missing.includes('processes') && !r.sample.missing.includes('facts'), 'not collected is not missing');
      } else {
        assert.ok((r.sample.processes?.total ?? 0) > 0);
      }
    }
    return seen;
  };
  assert.deepEqual(await scripts(scheduled), ['full', 'light', 'light', 'full', 'light']);
  const watchedScripts = await scripts(watched);
  assert.deepEqual(watchedScripts, ['full', 'full', 'full', 'full', 'full']);
  const last = results.filter((r) => r.host === 'watched').at(-1);
  assert.ok(last?.kind === 'sample' && (last.sample.processes?.matches[0]?.count ?? 0) > 0, 'the watched pattern is counted on every poll');
});

void test('vigil_processes_every sets how often the full script runs, counted in the host\'s polls', async () => {
  const kinds = async (target: HostTarget, polls: number): Promise<Array<string | undefined>> => {
    const seen: Array<string | undefined> = [];
    for (let i = 0; i < polls; i++) {
      const j = job(target);
      await bus.publish('poll.jobs', j);
      const r = await waitFor(`${target.name} poll ${i}`, () => resultFor(j));
      assert.ok(r.kind === 'sample', summary(r));
      seen.push(r.sample.pollScript);
    }
    return seen;
  };
  // 40 s at a 10 s interval: every 4th poll; the default would be every 6th.
  assert.deepEqual(await kinds({ ...local, name: 'every-40s', processesEverySec: 40 }, 6), ['full', 'light', 'light', 'light', 'full', 'light']);
  // Shorter than the interval: every poll is full.
  assert.deepEqual(await kinds({ ...local, name: 'every-5s', processesEverySec: 5 }, 3), ['full', 'full', 'full']);
  assert.deepEqual(await kinds({ ...local, name: 'default-every' }, 7), ['full', 'light', 'light', 'light', 'light', 'light', 'full']);
});
