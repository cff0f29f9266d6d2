// The worker with a `vigil_source: node_exporter` host, through Debian's real node_exporter and a
// real sshd: samples come from the exporter, from SSH while the exporter is stopped, and from the
// exporter again once it is back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../../lib/bus/message-bus.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob, PollResult, PollSuccess } from '../../../lib/poll/poll-messages.ts';
import { startWorker } from '../../../services/worker/worker-service.ts';
import type { Worker } from '../../../services/worker/worker-service.ts';
import { findRefusedPort, startTestSshd } from '../../support/sshd.ts';
import type { TestSshd } from '../../support/sshd.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startTestNodeExporter } from './test-node-exporter.ts';
import type { TestNodeExporter } from './test-node-exporter.ts';

let sshd: TestSshd;
let exporter: TestNodeExporter;
let bus: MemoryBus;
let worker: Worker;
let resultsSubscription: Subscription;
const results: PollResult[] = [];

before(async () => {
  [sshd, exporter] = await Promise.all([startTestSshd(), startTestNodeExporter()]);
  bus = new MemoryBus();
  resultsSubscription = await bus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 100 }, async (result) => {
    results.push(result);
  });
  worker = await startWorker({ bus, log: silentLogger, connectTimeoutMs: 3000, execTimeoutMs: 10_000, primeDelayMs: 0, hostKeyChecking: 'off', userKnownHostsFiles: [] });
});

after(async () => {
  await worker.stop();
  await resultsSubscription.close();
  await bus.close();
  await Promise.all([sshd.stop(), exporter.close()]);
});

function target(name: string, fields: Partial<HostTarget> = {}): HostTarget {
  return {
    name, connection: 'ssh', address: sshd.host, port: sshd.port, user: sshd.user, privateKeyFile: sshd.clientKeyFile,
    intervalSec: 10, groups: [], source: 'node_exporter', nodeExporterUrl: exporter.url, ...fields,
  };
}

let seq = 0;
/** Publishes one job and waits for its result. */
async function pollOnce(hostTarget: HostTarget): Promise<PollResult> {
  // Rates divide by the host's own clock, /proc/uptime, which moves in 10 ms steps: two polls of
  // this machine back to back read it 10-20 ms apart, sometimes in the same step, and then have no
  // rates at all. Polls are seconds apart in use; 50 ms is enough here.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const now = Date.now();
  const job: PollJob = { target: hostTarget, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
  await bus.publish('poll.jobs', job);
  return waitFor(`the result of ${hostTarget.name}#${job.seq}`, 30_000, () => results.find((r) => r.host === hostTarget.name && r.seq === job.seq), 25);
}

function sample(result: PollResult): PollSuccess['sample'] {
  assert.equal(result.kind, 'sample', JSON.stringify(result));
  return (result as PollSuccess).sample;
}

void test('the worker scrapes the real node_exporter; stopped, SSH stands in; back, the exporter again', async () => {
  const host = target('fallback-host');
  const first = sample(await pollOnce(host));
  assert.equal(first.source, 'node_exporter');
  assert.ok(first.memTotalBytes !== null && first.memTotalBytes > 0);
  assert.ok(first.facts?.kernel, 'facts on the first poll');
  const second = sample(await pollOnce(host));
  assert.equal(second.source, 'node_exporter');
  assert.ok(second.cpuBusyPct !== null, 'rates from the worker\'s previous snapshot');

  await exporter.stop();
  const duringOutage = sample(await pollOnce(host));
  assert.equal(duringOutage.source, 'ssh');
  assert.equal(duringOutage.memTotalBytes, first.memTotalBytes);
  assert.ok(duringOutage.cpuBusyPct !== null, 'CPU compares across the switch');
  const stillOut = sample(await pollOnce(host));
  assert.equal(stillOut.source, 'ssh');
  assert.ok(stillOut.netRxBytesPerSec !== null, 'SSH after SSH has every rate');

  await exporter.start();
  const back = sample(await pollOnce(host));
  assert.equal(back.source, 'node_exporter');
  assert.equal(back.rebooted, false);
  const settled = sample(await pollOnce(host));
  assert.equal(settled.source, 'node_exporter');
  assert.ok(settled.netRxBytesPerSec !== null);
});

void test('with the exporter and SSH both gone the worker publishes one failure with the SSH reason', async () => {
  const refused = await findRefusedPort();
  const result = await pollOnce(target('gone-host', { port: refused, nodeExporterUrl: `http://127.0.0.1:${refused}/metrics` }));
  assert.equal(result.kind, 'failure');
  assert.ok(result.kind === 'failure');
  assert.equal(result.reason, 'refused');
  assert.match(result.message, /^node_exporter at http:\/\/127\.0\.0\.1:\d+\/metrics: .+; SSH fallback: /);
});

void test('a host without vigil_source is polled over SSH as before, its samples without a source', async () => {
  const plain: HostTarget = { name: 'plain-host', connection: 'ssh', address: sshd.host, port: sshd.port, user: sshd.user, privateKeyFile: sshd.clientKeyFile, intervalSec: 10, groups: [] };
  const result = sample(await pollOnce(plain));
  assert.equal(result.source, undefined);
  assert.ok(result.processes != null, 'the full script ran');
});
