import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ssh2 from 'ssh2';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../lib/bus/message-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollJob, PollResult, PollSuccess } from '../../lib/poll/poll-messages.ts';
import type { FaultMode } from '../../lib/simulator/fault-mode.ts';
import { startHostSimulator } from '../../lib/simulator/host-simulator.ts';
import type { HostSimulator } from '../../lib/simulator/host-simulator.ts';
import { startWorker } from '../../services/worker/worker-service.ts';
import type { Worker } from '../../services/worker/worker-service.ts';
import { waitFor } from '../support/wait-for.ts';

const FAULTS: Record<string, FaultMode> = {
  'sim-0001': 'hang',
  'sim-0002': 'slow',
  'sim-0003': 'garbage',
  'sim-0004': 'truncated',
  'sim-0005': 'wrong-password',
  'sim-0006': 'changed-host-key',
  'sim-0007': 'drop',
};
const HOSTS = 20;
const TIMEOUT_MS = 1500;

let sim: HostSimulator;
let bus: MemoryBus;
let worker: Worker;
let resultsSubscription: Subscription;
const results: PollResult[] = [];
let seq = 0;

before(async () => {
  // Slow hosts answer well past the worker's exec timeout; no random reboots, the test makes its own.
  sim = await startHostSimulator({ hosts: HOSTS, faults: FAULTS, slowDelayMs: 3 * TIMEOUT_MS, rebootChance: 0 });
  bus = new MemoryBus();
  resultsSubscription = await bus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 1000 }, async (r) => {
    results.push(r);
  });
  worker = await startWorker({ bus, log: silentLogger, connectTimeoutMs: TIMEOUT_MS, execTimeoutMs: TIMEOUT_MS });
});

after(async () => {
  await worker.stop();
  await resultsSubscription.close();
  await bus.close();
  await sim.close();
});

function targetOf(name: string): HostTarget {
  const host = sim.hosts.find((h) => h.name === name);
  assert.ok(host, name);
  return {
    name, connection: 'ssh', address: host.address, port: host.port, user: sim.user,
    privateKeyFile: sim.clientKey.file, intervalSec: 10, groups: [],
  };
}

async function pollAll(names: string[]): Promise<Map<string, PollResult>> {
  const now = Date.now();
  const jobs: PollJob[] = names.map((name) => ({ target: targetOf(name), seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 }));
  for (const job of jobs) await bus.publish('poll.jobs', job);
  const found = new Map<string, PollResult>();
  await waitFor(`results of ${jobs.length} polls`, 20_000, () => {
    for (const job of jobs) {
      const result = results.find((r) => r.host === job.target.name && r.seq === job.seq);
      if (result) found.set(job.target.name, result);
    }
    return found.size === jobs.length ? true : undefined;
  }, 25);
  return found;
}

function describe(result: PollResult | undefined): string {
  if (!result) return 'no result';
  return result.kind === 'sample' ? `sample missing [${result.sample.missing.join(',')}]` : `${result.reason}: ${result.message}`;
}

function sampleOf(result: PollResult | undefined): PollSuccess['sample'] {
  assert.ok(result?.kind === 'sample', describe(result));
  return result.sample;
}

void test('every fault mode gives its failure while every healthy host keeps producing sane samples', async () => {
  const names = sim.hosts.map((h) => h.name);
  const healthy = names.filter((name) => FAULTS[name] === undefined);
  assert.equal(healthy.length, HOSTS - Object.keys(FAULTS).length);
  const rounds: Map<string, PollResult>[] = [];
  for (let round = 0; round < 3; round++) {
    rounds.push(await pollAll(names));
    // Counters advance with real time: give them a second to grow between polls.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  for (const [index, round] of rounds.entries()) {
    const failure = (name: string): string => {
      const r = round.get(name);
      assert.ok(r?.kind === 'failure', `round ${index}, ${name}: expected a failure, got ${describe(r)}`);
      return r.reason;
    };
    assert.equal(failure('sim-0001'), 'timeout-connect', 'hang');
    assert.equal(failure('sim-0002'), 'timeout-exec', 'slow');
    assert.equal(failure('sim-0003'), 'output-unparseable', 'garbage');
    assert.equal(failure('sim-0005'), 'auth-failed', 'wrong password');
    assert.ok(failure('sim-0007') !== '', 'drop is a failure, not a crash');
    const truncated = sampleOf(round.get('sim-0004'));
    assert.ok(truncated.missing.includes('end'), `truncated: ${truncated.missing.join(',')}`);
    assert.ok(truncated.missing.length >= 2, 'the section being cut, at least, is missing');
    assert.ok(truncated.uptimeSec !== null || truncated.cpuCount !== null, 'what came before the cut still parses');
    if (index === 0) sampleOf(round.get('sim-0006'));
    else assert.equal(failure('sim-0006'), 'host-key-changed', 'changed host key');
    for (const name of healthy) {
      const sample = sampleOf(round.get(name));
      const state = sim.stateOf(name);
      assert.deepEqual(sample.missing, [], name);
      assert.equal(sample.cpuCount, state.cpus.length);
      assert.ok(sample.memUsedPct !== null && sample.memUsedPct > 0 && sample.memUsedPct < 100);
      assert.ok(sample.diskUsedPctMax !== null && sample.diskUsedPctMax > 0 && sample.diskUsedPctMax < 100);
      if (index === 0) {
        assert.equal(sample.cpuBusyPct, null, 'no rate without a previous poll');
        continue;
      }
      const previous = sampleOf(rounds[index - 1]?.get(name));
      assert.ok(sample.uptimeSec !== null && previous.uptimeSec !== null && sample.uptimeSec > previous.uptimeSec);
      assert.ok(sample.cpuBusyPct !== null && sample.cpuBusyPct >= 0 && sample.cpuBusyPct <= 100, `${name} busy ${sample.cpuBusyPct}`);
      assert.ok(sample.netRxBytesPerSec !== null && sample.netRxBytesPerSec > 0, `${name} rx ${sample.netRxBytesPerSec}`);
      assert.ok(sample.netRxBytesPerSec < 1e9, `${name} rx ${sample.netRxBytesPerSec} B/s is implausible`);
      assert.ok(sample.netTxBytesPerSec !== null && sample.netTxBytesPerSec > 0);
    }
  }
  const stats = sim.stats();
  assert.ok(stats.authFailures > 0 && stats.polls > 0);
});

void test('a simulated reboot gives null rates, not negative ones, and rates resume after it', async () => {
  const name = 'sim-0008';
  const before = sampleOf((await pollAll([name])).get(name));
  sim.reboot(name);
  // The reboot dropped the connection; the worker may notice it on this poll or the next.
  const after = await waitFor('a sample after the reboot', 20_000, async () => {
    const result = (await pollAll([name])).get(name);
    return result?.kind === 'sample' ? result.sample : undefined;
  });
  assert.ok(after.uptimeSec !== null && before.uptimeSec !== null && after.uptimeSec < before.uptimeSec);
  assert.equal(after.cpuBusyPct, null);
  assert.equal(after.netRxBytesPerSec, null);
  assert.equal(after.netTxBytesPerSec, null);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const next = sampleOf((await pollAll([name])).get(name));
  assert.ok(next.cpuBusyPct !== null && next.cpuBusyPct >= 0);
  assert.ok(next.netRxBytesPerSec !== null && next.netRxBytesPerSec > 0);
});

void test('a host answers password logins with the right password only', async () => {
  const host = sim.hosts.find((h) => h.name === 'sim-0009');
  assert.ok(host);
  const login = (password: string): Promise<boolean> => new Promise((resolve) => {
    const client = new ssh2.Client();
    client.on('ready', () => {
      client.end();
      resolve(true);
    });
    client.on('error', () => resolve(false));
    client.connect({ host: host.address, port: host.port, username: sim.user, password, readyTimeout: 5000 });
  });
  assert.equal(await login(sim.password), true);
  assert.equal(await login('not-the-password'), false);
});
