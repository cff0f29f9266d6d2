import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import { startBusHeartbeat } from '../../lib/metrics/bus-heartbeat.ts';
import type { ServiceBeat } from '../../lib/metrics/service-beat.ts';
import { serviceBeatProblem } from '../../lib/metrics/service-beat.ts';
import { waitFor } from '../support/wait-for.ts';

void test('beats go out on service.heartbeats with who sends them, and a last one says it stopped', async () => {
  const bus = new MemoryBus();
  const beats: ServiceBeat[] = [];
  const subscription = await bus.subscribe('service.heartbeats', { name: 'test', durable: false, prefetch: 10 }, async (beat) => {
    beats.push(beat);
  });
  let polls = 0;
  const heartbeat = await startBusHeartbeat({ bus, service: 'worker', log: silentLogger, intervalMs: 50, info: () => ({ polls: ++polls }) });
  try {
    await waitFor('three beats', 5000, () => (beats.length >= 3 ? true : undefined));
    await heartbeat.stop();
    await waitFor('the goodbye', 5000, () => (beats.at(-1)?.state === 'stopped' ? true : undefined));
    const count = beats.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(beats.length, count, 'no beat after the stop');
    for (const beat of beats) {
      assert.equal(serviceBeatProblem(beat), null);
      assert.equal(beat.service, 'worker');
      assert.equal(beat.instance, heartbeat.instance);
      assert.equal(beat.host, hostname());
      assert.equal(beat.pid, process.pid);
    }
    assert.deepEqual(beats.slice(0, 3).map((b) => [b.state, b.info['polls']]), [['beat', 1], ['beat', 2], ['beat', 3]]);
    assert.equal(new Set(beats.map((b) => b.startedAt)).size, 1);
  } finally {
    await heartbeat.stop();
    await subscription.close();
    await bus.close();
  }
});

void test('a bus that refuses the beat is logged once, not thrown', async () => {
  const bus = new MemoryBus();
  await bus.close();
  const lines: string[] = [];
  const log = { ...silentLogger, warn: (msg: string) => lines.push(msg) };
  const heartbeat = await startBusHeartbeat({ bus, service: 'worker', log, intervalMs: 60_000 });
  // The first beat failed already; two more, and the goodbye of stop(), fail quietly.
  await heartbeat.beat();
  await heartbeat.beat();
  await heartbeat.stop();
  assert.deepEqual(lines, ['cannot publish heartbeat']);
});

void test('what the writer will not record', () => {
  const good: ServiceBeat = { service: 'worker', instance: 'h-1-ab', host: 'h', pid: 1, startedAt: 1, info: {}, state: 'beat' };
  assert.equal(serviceBeatProblem(good), null);
  assert.equal(serviceBeatProblem(null), 'not an object');
  assert.equal(serviceBeatProblem({ ...good, service: '' }), 'service must be a non-empty string');
  assert.equal(serviceBeatProblem({ ...good, instance: 'x'.repeat(201) }), 'instance must be a non-empty string');
  assert.equal(serviceBeatProblem({ ...good, pid: '1' }), 'pid must be an integer');
  assert.equal(serviceBeatProblem({ ...good, info: [] }), 'info must be an object');
  assert.equal(serviceBeatProblem({ ...good, state: 'gone' }), 'state must be beat or stopped');
});
