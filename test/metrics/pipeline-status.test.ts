import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { DEFAULT_THRESHOLDS, assessPipeline, maxWriteLagSeconds, readPipelineStatus } from '../../lib/metrics/pipeline-status.ts';
import type { PipelineStatus, ServiceSeen } from '../../lib/metrics/pipeline-status.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

function seen(service: string, lastSeenSeconds: number, instance = `${service}-1`): ServiceSeen {
  return { service, instance, host: 'h', pid: 1, startedAt: '2024-01-01T00:00:00.000Z', lastSeenSeconds, info: {} };
}

const HEALTHY: PipelineStatus = {
  checkedAt: '2024-01-01T00:10:00.000Z',
  services: [seen('scheduler', 2), seen('writer', 3), seen('web', 1)],
  hosts: { up: 3, down: 0, unknown: 1 },
  downHosts: [],
  writeLagSeconds: 4,
  shortestIntervalSec: 10,
  queues: [{ queue: 'vigil.poll.results.writer', exists: true, messages: 12, consumers: 1 }, { queue: 'vigil.alert.events.alerter', exists: false, messages: 0, consumers: 0 }],
};

void describe('assessPipeline', () => {
  void test('all fresh, no host down, results current, queues short: healthy', () => {
    assert.deepEqual(assessPipeline(HEALTHY), []);
  });

  void test('a service unseen for over 30 s, unless another instance of it is fresh', () => {
    const stale = { ...HEALTHY, services: [seen('scheduler', 2), seen('writer', 45), seen('web', 1)] };
    assert.deepEqual(assessPipeline(stale), ['writer not seen for 45 s']);
    const replaced = { ...HEALTHY, services: [...stale.services, seen('writer', 1, 'writer-2')] };
    assert.deepEqual(assessPipeline(replaced), []);
  });

  void test('a scheduler or writer never seen', () => {
    const problems = assessPipeline({ ...HEALTHY, services: [seen('web', 1)] });
    assert.deepEqual(problems, [
      'no scheduler has ever reported (is one running, on this database?)',
      'no writer has ever reported (is one running, on this database?)',
    ]);
  });

  void test('hosts down, named (the first five)', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const status = { ...HEALTHY, hosts: { up: 1, down: 7, unknown: 0 }, downHosts: names.map((name) => ({ name, reason: 'refused', message: null, lastSampleAt: null })) };
    assert.deepEqual(assessPipeline(status), ['7 hosts down: a, b, c, d, e and 2 more']);
  });

  void test('results falling behind, or none stored although there are hosts', () => {
    assert.equal(maxWriteLagSeconds(10), 60);
    assert.equal(maxWriteLagSeconds(60), 180);
    assert.equal(maxWriteLagSeconds(null), 60);
    assert.deepEqual(assessPipeline({ ...HEALTHY, writeLagSeconds: 61 }), ['newest poll result stored is 61 s old (workers or writer behind?)']);
    assert.deepEqual(assessPipeline({ ...HEALTHY, writeLagSeconds: null }), ['no poll result stored yet (are workers running?)']);
    assert.deepEqual(assessPipeline({ ...HEALTHY, writeLagSeconds: null, hosts: { up: 0, down: 0, unknown: 0 } }), []);
  });

  void test('jobs of the active scheduler that expired never answered: over 1% of those published, and at least 10', () => {
    const scheduler = (info: Record<string, unknown>, lastSeenSeconds = 2, instance = 'scheduler-1'): ServiceSeen => ({ ...seen('scheduler', lastSeenSeconds, instance), info });
    const withScheduler = (...schedulers: ServiceSeen[]): PipelineStatus => ({ ...HEALTHY, services: [...schedulers, seen('writer', 3)] });
    const jobs = (published: number, lost: number, answeredLate: number) => ({ active: true, hosts: 3000, recentJobs: { seconds: 5, published, lost, answeredLate } });
    assert.deepEqual(assessPipeline(withScheduler(scheduler(jobs(9107, 7295, 0)))), [
      '7295 of the 9107 poll jobs of the last 5 s expired unanswered: the workers are asked for more polls than they can do (add workers, or lengthen vigil_interval)',
    ]);
    // Lost but answered late (hosts slower than their interval): not an overload.
    assert.deepEqual(assessPipeline(withScheduler(scheduler(jobs(500, 40, 40)))), []);
    assert.equal(assessPipeline(withScheduler(scheduler(jobs(500, 40, 20)))).length, 1);
    // A moment's stall, or 1% exactly: not an overload.
    assert.deepEqual(assessPipeline(withScheduler(scheduler(jobs(200, 9, 0)))), []);
    assert.deepEqual(assessPipeline(withScheduler(scheduler(jobs(3000, 30, 0)))), []);
    // Only the freshest active scheduler counts; a standby has no counts; malformed counts are ignored.
    assert.equal(assessPipeline(withScheduler(scheduler({ active: false }, 1, 'scheduler-2'), scheduler(jobs(3000, 300, 0)))).length, 1);
    assert.deepEqual(assessPipeline(withScheduler(scheduler(jobs(3000, 300, 0), 20), scheduler(jobs(3000, 0, 0), 1, 'scheduler-2'))), []);
    assert.deepEqual(assessPipeline(withScheduler(scheduler({ active: true, recentJobs: { seconds: 5, published: '3000', lost: 300, answeredLate: 0 } }))), []);
  });

  void test('a queue over the backlog threshold, or queues that could not be read', () => {
    const backlog = { ...HEALTHY, queues: [{ queue: 'vigil.poll.results.writer', exists: true, messages: 5, consumers: 0 }] };
    assert.deepEqual(assessPipeline(backlog, { ...DEFAULT_THRESHOLDS, maxBacklog: 4 }), ['queue vigil.poll.results.writer holds 5 messages (over 4)']);
    assert.deepEqual(assessPipeline(backlog, { ...DEFAULT_THRESHOLDS, maxBacklog: 5 }), []);
    assert.deepEqual(assessPipeline({ ...HEALTHY, queues: null, queueError: 'connect ECONNREFUSED' }), ['cannot read the queues: connect ECONNREFUSED']);
  });
});

void describe('readPipelineStatus', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(async () => {
    await testDb?.close();
  });

  void test('reads heartbeats, host counts, the down hosts and the age of the newest result, by the database clock', async () => {
    const { db } = testDb;
    const host = (name: string, status: 'up' | 'down' | 'unknown', extra: Record<string, unknown> = {}) => ({
      name, address: `${name}.example`, connection: 'ssh', groups: '[]', interval_sec: 30, status, ...extra,
    });
    await db.insertInto('hosts').values([
      host('up-1', 'up', { last_poll_at: sql<Date>`now() - interval '7 seconds'` }),
      host('up-2', 'up', { last_poll_at: sql<Date>`now() - interval '20 seconds'`, interval_sec: 15 }),
      host('down-1', 'down', { status_reason: 'refused', status_message: 'connection refused', last_poll_at: sql<Date>`now() - interval '9 seconds'` }),
      host('new-1', 'unknown'),
      host('removed-1', 'down', { removed_at: new Date(), interval_sec: 1, last_poll_at: sql<Date>`now()` }),
    ]).execute();
    await db.insertInto('service_heartbeats').values([
      { service: 'writer', instance: 'w-1', host: 'box', pid: 42, started_at: new Date('2024-01-01T00:00:00Z'), seen_at: sql<Date>`now() - interval '3 seconds'`, info: '{"note":"x"}' },
      { service: 'scheduler', instance: 's-1', host: 'box', pid: 43, started_at: new Date('2024-01-01T00:00:00Z'), seen_at: sql<Date>`now() - interval '40 seconds'`, info: '{}' },
    ]).execute();

    const status = await readPipelineStatus(db);
    assert.deepEqual(status.hosts, { up: 2, down: 1, unknown: 1 });
    assert.deepEqual(status.downHosts, [{ name: 'down-1', reason: 'refused', message: 'connection refused', lastSampleAt: null }]);
    assert.ok(status.writeLagSeconds !== null && Math.abs(status.writeLagSeconds - 7) < 1, String(status.writeLagSeconds));
    assert.equal(status.shortestIntervalSec, 15);
    assert.deepEqual(status.services.map((s) => [s.service, s.instance, s.pid, Math.round(s.lastSeenSeconds), s.info]), [
      ['scheduler', 's-1', 43, 40, {}],
      ['writer', 'w-1', 42, 3, { note: 'x' }],
    ]);
    assert.deepEqual(assessPipeline({ ...status, queues: null }), ['scheduler not seen for 40 s', '1 host down: down-1']);
  });
});
