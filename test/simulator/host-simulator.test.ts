import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import ssh2 from 'ssh2';
import { readFileSync } from 'node:fs';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import { POLL_SCRIPTS } from '../../lib/collect/poll-script.ts';
import type { PollScriptKind } from '../../lib/collect/poll-script.ts';
import type { HostSnapshot, Sample } from '../../lib/collect/sample.ts';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../lib/bus/message-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollJob, PollResult, PollSuccess } from '../../lib/poll/poll-messages.ts';
import type { FaultMode } from '../../lib/simulator/fault-mode.ts';
import { startHostSimulator } from '../../lib/simulator/host-simulator.ts';
import type { HostSimulator } from '../../lib/simulator/host-simulator.ts';
import { pollHost } from '../../services/worker/poll-host.ts';
import { commandPathText, STDIN_PATH_COMMAND, stdinPathText } from '../../services/worker/script-delivery.ts';
import { SshConnections } from '../../services/worker/ssh-connections.ts';
import { startWorker } from '../../services/worker/worker-service.ts';
import type { Worker } from '../../services/worker/worker-service.ts';
import { startTestSshd } from '../support/sshd.ts';
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
    // A light poll (version 5 on) prints nothing but `@@end` after its files, so that is what is cut.
    assert.ok(truncated.missing.length >= (truncated.pollScript === 'light' ? 1 : 2), 'the section being cut, at least, is missing');
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
        assert.equal(sample.pollScript, 'full', `${name}: the first poll of a host is full`);
        assert.ok((sample.processes?.total ?? 0) > 0, `${name}: a full poll counts processes`);
        continue;
      }
      // The worker's first poll of a host is full; those after it light, and answered as such.
      assert.equal(sample.pollScript, 'light', `${name} round ${index}`);
      assert.equal(sample.processes, undefined);
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
  assert.ok(stats.lightPolls > 0 && stats.lightPolls < stats.polls, `${stats.lightPolls} light of ${stats.polls} polls`);
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

/** Runs one script on a simulated host the way the worker sends it, and returns its stdout. */
function runScript(name: string, script: string, path: 'stdin' | 'command'): Promise<string> {
  const host = sim.hosts.find((h) => h.name === name);
  assert.ok(host, name);
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () => {
      client.exec(path === 'stdin' ? STDIN_PATH_COMMAND : commandPathText(script), (err, stream) => {
        if (err) return reject(err);
        let out = '';
        stream.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
        stream.on('close', () => {
          client.end();
          resolve(out);
        });
        if (path === 'stdin') stream.end(stdinPathText(script));
        else stream.end();
      });
    });
    client.connect({ host: host.address, port: host.port, username: sim.user, privateKey: readFileSync(sim.clientKey.file), readyTimeout: 5000 });
  });
}

for (const path of ['stdin', 'command'] as const) void test(`the light script is answered with its own sections only, the full one with all of them (${path} path)`, async () => {
  const name = path === 'stdin' ? 'sim-0010' : 'sim-0012';
  const before = sim.stats();
  const light = await runScript(name, POLL_SCRIPTS.light, path);
  assert.match(light, /^@@vigil \d+ light\n/);
  assert.doesNotMatch(light, /^@@(cpuinfo|units)$/m, 'no facts or failed units');
  assert.doesNotMatch(light, /^==> \/proc\/\d+\/(stat|cmdline) <==$/m, 'no processes');
  assert.doesNotMatch(light, /^==> \/(proc\/sys\/kernel\/\w+|etc\/os-release) <==$/m, 'no facts files');
  const lightSnapshot = parsePollOutput(light);
  assert.equal(lightSnapshot.script, 'light');
  assert.deepEqual(lightSnapshot.missing, []);
  assert.equal(lightSnapshot.processes, null);
  assert.equal(lightSnapshot.facts, null);
  const afterLight = sim.stats();
  assert.equal(afterLight.lightPolls - before.lightPolls, 1);

  const full = await runScript(name, POLL_SCRIPTS.full, path);
  assert.match(full, /^@@vigil \d+ full\n/);
  assert.match(full, /^@@cpuinfo$/m);
  assert.match(full, /^==> \/proc\/1\/stat <==$/m);
  const fullSnapshot = parsePollOutput(full);
  assert.equal(fullSnapshot.script, 'full');
  assert.deepEqual(fullSnapshot.missing, []);
  assert.ok(fullSnapshot.processes !== null && fullSnapshot.processes.length > 0);
  assert.equal(sim.stats().lightPolls, afterLight.lightPolls, 'a full poll is not counted as light');
  assert.ok(light.length < full.length, `light ${light.length} B, full ${full.length} B`);
});

/** The shape of a value: object keys with their shapes, the merged shape of array items, or the type. */
/**
 * That `a` and `b` have the same structure: objects the same keys, lists items alike, values the
 * same type. A null (a figure one host has no value for, as a disk with no read in the interval
 * has no read latency) or an empty list matches anything.
 */
function assertSameShape(a: unknown, b: unknown, path: string): void {
  if (a === null || b === null) return;
  if (Array.isArray(a) || Array.isArray(b)) {
    assert.ok(Array.isArray(a) && Array.isArray(b), `${path}: a list on one host only`);
    if (a.length > 0 && b.length > 0) assertSameShape(a[0], b[0], `${path}[0]`);
    return;
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const [aFields, bFields] = [a as Record<string, unknown>, b as Record<string, unknown>];
    assert.deepEqual(Object.keys(aFields).sort(), Object.keys(bFields).sort(), `${path}: the same fields`);
    for (const key of Object.keys(aFields)) assertSameShape(aFields[key], bFields[key], `${path}.${key}`);
    return;
  }
  assert.equal(typeof a, typeof b, path);
}

void test('a sample from a simulated light poll has the structure of one from a real sshd host', async () => {
  const sshd = await startTestSshd();
  const connections = new SshConnections({ connectTimeoutMs: 5000 });
  try {
    const simHost = sim.hosts.find((h) => h.name === 'sim-0011');
    assert.ok(simHost);
    const targets: HostTarget[] = [
      { ...targetOf('sim-0011'), name: 'simulated' },
      { name: 'real', connection: 'ssh', address: sshd.host, port: sshd.port, user: sshd.user, privateKeyFile: sshd.clientKeyFile, intervalSec: 10, groups: [] },
    ];
    const samples = new Map<string, Sample>();
    for (const target of targets) {
      const runner = connections.runnerFor(target);
      const job: PollJob = { target, seq: 1, scheduledAt: Date.now(), expiresAt: Date.now() + 60_000 };
      // As the worker does it: a full poll first, then light ones with rates against it.
      let previous: HostSnapshot | undefined;
      let previousFull: HostSnapshot | undefined;
      for (const kind of ['full', 'light'] as PollScriptKind[]) {
        if (previous) await new Promise((resolve) => setTimeout(resolve, 1100));
        const { result, snapshot } = await pollHost(runner, job, previous, { kind, ...(previousFull ? { previousFull } : {}) });
        assert.ok(result.kind === 'sample' && snapshot, `${target.name} ${kind}: ${describe(result)}`);
        previous = snapshot;
        if (kind === 'full') previousFull = snapshot;
        else samples.set(target.name, result.sample);
      }
      // The first poll, on stdin, showed a POSIX login shell (the real host) or no report at all
      // beside whole output (the simulator answers without running our text): the light one was
      // sent as the exec command, and both answered it.
      assert.equal(connections.scriptPathOf(target.name), 'command', target.name);
    }
    const simulated = samples.get('simulated');
    const real = samples.get('real');
    assert.ok(simulated && real);
    for (const sample of [simulated, real]) {
      assert.equal(sample.pollScript, 'light', sample.host);
      assert.deepEqual(sample.missing, [], sample.host);
      assert.equal(sample.facts, null, sample.host);
      assert.equal(sample.processes, undefined, sample.host);
      assert.equal(sample.failedUnits, undefined, sample.host);
      assert.ok(sample.cpuBusyPct !== null && sample.netRxBytesPerSec !== null, `${sample.host}: rates against the full poll`);
    }
    // Hardware differs (GPUs, swap, how many disks): where both hosts have a value, it has the same shape.
    assertSameShape(simulated, real, 'sample');
  } finally {
    connections.closeAll();
    await sshd.stop();
  }
});
