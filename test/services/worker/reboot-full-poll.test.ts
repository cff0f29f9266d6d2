// A light poll that sees a reboot makes the next poll full: the host's filesystems and facts from
// before the reboot must not be carried past it for up to a minute. Against the project's host
// simulator, whose hosts can be rebooted on demand (uptime and counters restart, connections drop).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../../lib/bus/message-bus.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollResult } from '../../../lib/poll/poll-messages.ts';
import { startHostSimulator } from '../../../lib/simulator/host-simulator.ts';
import type { HostSimulator } from '../../../lib/simulator/host-simulator.ts';
import { startWorker } from '../../../services/worker/worker-service.ts';
import type { Worker } from '../../../services/worker/worker-service.ts';
import { waitFor } from '../../support/wait-for.ts';

let sim: HostSimulator;
let bus: MemoryBus;
let worker: Worker;
let subscription: Subscription;
const results: PollResult[] = [];

before(async () => {
  sim = await startHostSimulator({ hosts: 1, rebootChance: 0 });
  bus = new MemoryBus();
  subscription = await bus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 100 }, async (r) => {
    results.push(r);
  });
  worker = await startWorker({ bus, log: silentLogger, connectTimeoutMs: 5000, execTimeoutMs: 10_000, primeDelayMs: 0 });
});

after(async () => {
  await worker.stop();
  await subscription.close();
  await bus.close();
  await sim.close();
});

let seq = 0;
async function poll(target: HostTarget): Promise<PollResult> {
  const now = Date.now();
  const job = { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
  await bus.publish('poll.jobs', job);
  return waitFor(`poll ${job.seq}`, 30_000, () => results.find((r) => r.seq === job.seq));
}

void test('after a light poll that saw a reboot the next poll is full, then light again', async () => {
  const host = sim.hosts[0];
  assert.ok(host);
  // A full poll every sixth: the polls right after the first are light.
  const target: HostTarget = {
    name: host.name, connection: 'ssh', address: host.address, port: host.port, user: sim.user, privateKeyFile: sim.clientKey.file,
    intervalSec: 10, groups: [],
  };
  const scripts: string[] = [];
  const sampleOf = async (): Promise<{ script: string; rebooted: boolean } | null> => {
    const r = await poll(target);
    if (r.kind !== 'sample') return null;
    scripts.push(r.sample.pollScript ?? '?');
    return { script: r.sample.pollScript ?? '?', rebooted: r.sample.rebooted === true };
  };
  assert.deepEqual(await sampleOf(), { script: 'full', rebooted: false });
  assert.deepEqual(await sampleOf(), { script: 'light', rebooted: false });
  sim.reboot(host.name);
  // The reboot drops the connection: a poll may fail on it before one that answers.
  let seen = await sampleOf();
  for (let attempt = 0; seen === null && attempt < 3; attempt++) seen = await sampleOf();
  assert.deepEqual(seen, { script: 'light', rebooted: true }, scripts.join(','));
  assert.deepEqual(await sampleOf(), { script: 'full', rebooted: false }, scripts.join(','));
  assert.deepEqual(await sampleOf(), { script: 'light', rebooted: false }, scripts.join(','));
});
