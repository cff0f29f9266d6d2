// vigil_source: snmp through the worker service (in-process bus) against a real snmpd on loopback:
// jobs in, results out, the priming poll once per new host, and a clear failure for a wrong community.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../../lib/bus/message-bus.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob, PollResult } from '../../../lib/poll/poll-messages.ts';
import type { PrinterReport } from '../../../lib/snmp/printer-report.ts';
import { startWorker } from '../../../services/worker/worker-service.ts';
import type { Worker } from '../../../services/worker/worker-service.ts';
import { FIXTURE_PAGE_COUNT, printerValues } from '../../snmp/printer-fixture.ts';
import { startTestSnmpd, TEST_COMMUNITY } from '../../snmp/test-snmpd.ts';
import type { TestSnmpd } from '../../snmp/test-snmpd.ts';

let agent: TestSnmpd;
let bus: MemoryBus;
let worker: Worker;
let subscription: Subscription;
const results: PollResult[] = [];

before(async () => {
  agent = await startTestSnmpd(printerValues());
  bus = new MemoryBus();
  subscription = await bus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 100 }, async (result) => {
    results.push(result);
  });
  worker = await startWorker({ bus, log: silentLogger, primeDelayMs: 300 });
});

after(async () => {
  await worker?.stop();
  await subscription?.close();
  await bus?.close();
  await agent?.stop();
});

function snmpHost(name: string, profile: 'printer' | 'device', community = TEST_COMMUNITY): HostTarget {
  return {
    name, connection: 'ssh', address: '127.0.0.1', port: 22, user: 'nobody', privateKeyFile: null, intervalSec: 10, groups: [],
    source: 'snmp', snmp: { port: agent.port, profile, security: { version: '2c', community } },
  };
}

let seq = 0;
function job(target: HostTarget): PollJob {
  const now = Date.now();
  return { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
}

async function resultsOf(j: PollJob, count: number): Promise<PollResult[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = results.filter((r) => r.host === j.target.name && r.seq === j.seq);
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} results of ${j.target.name}#${j.seq}; got ${found.length}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a printer job gives a sample with the printer report; the new host is primed once, not on every poll', async () => {
  const first = job(snmpHost('printer1', 'printer'));
  await bus.publish('poll.jobs', first);
  const primed = await resultsOf(first, 2);
  for (const result of primed) {
    assert.equal(result.kind, 'sample', result.kind === 'failure' ? result.message : '');
    if (result.kind === 'sample') assert.equal((result.sample.device as PrinterReport).pageCount, FIXTURE_PAGE_COUNT);
  }
  const second = job(snmpHost('printer1', 'printer'));
  await bus.publish('poll.jobs', second);
  const [next] = await resultsOf(second, 1);
  assert.equal(next?.kind, 'sample');
  // The priming poll would have come 300 ms after the first.
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(results.filter((r) => r.seq === second.seq).length, 1);
  // Pages per day over the priming poll's interval (no pages printed since).
  assert.equal(next?.kind === 'sample' && (next.sample.device as PrinterReport).pagesPerDay, 0);
});

test('a device job: the priming poll brings interface rates at once', async () => {
  const j = job(snmpHost('switch1', 'device'));
  await bus.publish('poll.jobs', j);
  const [first, primed] = await resultsOf(j, 2);
  assert.equal(first?.kind === 'sample' && first.sample.interfaces.length, 0);
  assert.ok(primed?.kind === 'sample' && primed.sample.interfaces.some((i) => i.name === 'lo' && i.loopback === true), JSON.stringify(primed));
});

test('a wrong community is a timeout-connect failure naming the host', async () => {
  const j = job(snmpHost('printer2', 'printer', 'wrong-community'));
  await bus.publish('poll.jobs', j);
  // The default timeout (2 s × 2 tries) applies in the worker.
  const [result] = await resultsOf(j, 1);
  assert.equal(result?.kind, 'failure');
  assert.ok(result?.kind === 'failure');
  assert.equal(result.reason, 'timeout-connect');
  assert.match(result.message, /^host 'printer2': no answer from 127\.0\.0\.1:\d+ .*vigil_snmp_community/);
});
