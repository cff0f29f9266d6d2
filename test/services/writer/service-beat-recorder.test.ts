// Workers' heartbeats arrive over the bus; the writer keeps their rows in service_heartbeats.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import { createLogger } from '../../../lib/log.ts';
import { readPipelineStatus } from '../../../lib/metrics/pipeline-status.ts';
import type { ServiceBeat } from '../../../lib/metrics/service-beat.ts';
import { recordServiceBeats } from '../../../services/writer/service-beat-recorder.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { waitFor } from '../../support/wait-for.ts';

let testDb: TestDatabase;

before(async () => {
  testDb = await createTestDatabase('pglite');
});

after(async () => {
  await testDb?.close();
});

void test('a beat becomes a row, a malformed one is dropped, a goodbye deletes the row', async () => {
  const bus = new MemoryBus();
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({}, { level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const subscription = await recordServiceBeats({ bus, db: testDb.db, log });
  try {
    const startedAt = Date.now() - 60_000;
    const beat: ServiceBeat = { service: 'worker', instance: 'box-7-101-beef', host: 'box-7', pid: 101, startedAt, info: { subscription: 'worker-1' }, state: 'beat' };
    await bus.publish('service.heartbeats', { ...beat, pid: 'nope' } as unknown as ServiceBeat);
    await bus.publish('service.heartbeats', beat);
    const seen = await waitFor('the worker row', 5000, async () => (await readPipelineStatus(testDb.db)).services.find((s) => s.instance === beat.instance));
    assert.deepEqual(
      { service: seen.service, host: seen.host, pid: seen.pid, startedAt: seen.startedAt, info: seen.info },
      { service: 'worker', host: 'box-7', pid: 101, startedAt: new Date(startedAt).toISOString(), info: { subscription: 'worker-1' } },
    );
    assert.ok(lines.some((line) => line['msg'] === 'dropping an invalid heartbeat' && line['problem'] === 'pid must be an integer'));

    await bus.publish('service.heartbeats', { ...beat, state: 'stopped' });
    await waitFor('the row gone', 5000, async () => ((await readPipelineStatus(testDb.db)).services.length === 0 ? true : undefined));
  } finally {
    await subscription.close();
    await bus.close();
  }
});
