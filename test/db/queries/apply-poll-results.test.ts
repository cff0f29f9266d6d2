import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { applyPollResults } from '../../../lib/db/queries/apply-poll-results.ts';
import type { PollFailure, PollSuccess } from '../../../lib/poll/poll-messages.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { testSuccess } from '../../support/test-samples.ts';

const T0 = Date.now() - 600_000;

const success = (host: string, seq: number): PollSuccess => testSuccess(host, seq, T0 + seq * 10_000 + 50, 50);

function failure(host: string, seq: number): PollFailure {
  const at = T0 + seq * 10_000;
  return { kind: 'failure', host, seq, scheduledAt: at, startedAt: at, finishedAt: at + 70, reason: 'timeout-connect', message: `no answer ${seq}` };
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`applyPollResults on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await ensureSamplePartitions(testDb.db, T0);
    });
    after(async () => testDb?.close());

    const host = async (name: string) =>
      testDb.db
        .selectFrom('hosts')
        .select(['status', 'status_reason', 'status_message', 'consecutive_failures', 'last_poll_at', 'last_sample_at', 'address', 'connection', 'interval_sec', 'groups'])
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
    const count = async (table: 'samples' | 'poll_failures', name: string) =>
      (await testDb.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('host', '=', name).executeTakeFirstOrThrow()).n;

    void test('boot time and facts land on the host row; a sample without facts keeps the stored ones', async () => {
      const facts = { hostname: 'db7', kernel: '6.8.0-45-generic', osName: 'Ubuntu', osVersion: '24.04', cpuModel: 'AMD EPYC 7763', architecture: 'x86_64' };
      const first = success('facts', 1);
      first.sample = { ...first.sample, bootTime: T0 - 86_400_000, facts };
      const second = success('facts', 2);
      second.sample = { ...second.sample, bootTime: T0 - 86_400_000, facts: null };
      await applyPollResults(testDb.db, [second, first], { downAfter: 3 });
      const stored = async () =>
        testDb.db
          .selectFrom('hosts')
          .select(['boot_time', 'hostname', 'kernel', 'os_name', 'os_version', 'cpu_model', 'architecture', 'facts_at'])
          .where('name', '=', 'facts')
          .executeTakeFirstOrThrow();
      assert.deepEqual(await stored(), {
        boot_time: new Date(T0 - 86_400_000),
        hostname: 'db7', kernel: '6.8.0-45-generic', os_name: 'Ubuntu', os_version: '24.04', cpu_model: 'AMD EPYC 7763', architecture: 'x86_64',
        facts_at: new Date(first.sample.ts),
      });
      // A reboot and a kernel upgrade: the newest sample in the batch wins, an older one does not undo it.
      const rebooted = success('facts', 4);
      rebooted.sample = { ...rebooted.sample, bootTime: T0 + 35_000, rebooted: true, facts: { ...facts, kernel: '6.8.0-50-generic' } };
      const stale = success('facts', 3);
      stale.sample = { ...stale.sample, bootTime: T0 - 86_400_000, facts: { ...facts, kernel: 'stale' } };
      await applyPollResults(testDb.db, [rebooted, stale], { downAfter: 3 });
      const after = await stored();
      assert.equal(after.kernel, '6.8.0-50-generic');
      assert.deepEqual(after.boot_time, new Date(T0 + 35_000));
    });

    void test('a batch of known and unknown hosts creates only the unknown ones and updates all', async () => {
      await testDb.db
        .insertInto('hosts')
        .values({ name: 'known', address: '10.0.0.7', connection: 'ssh', groups: '["db"]', interval_sec: 30 })
        .execute();
      await applyPollResults(testDb.db, [success('unknown-b', 1), success('known', 1), failure('unknown-a', 1)], { downAfter: 3 });
      const known = await host('known');
      assert.deepEqual([known.address, known.interval_sec, known.groups, known.status], ['10.0.0.7', 30, ['db'], 'up']);
      const [a, b] = [await host('unknown-a'), await host('unknown-b')];
      assert.deepEqual([a.address, a.connection, a.status, a.consecutive_failures], ['unknown-a', 'ssh', 'unknown', 1]);
      assert.deepEqual([b.address, b.status, b.last_sample_at?.getTime()], ['unknown-b', 'up', success('unknown-b', 1).sample.ts]);
      assert.equal(await count('samples', 'known'), 1);
    });

    void test('a failure on a new host leaves it unknown; a success makes it up', async () => {
      await applyPollResults(testDb.db, [failure('fresh', 1)], { downAfter: 3 });
      const first = await host('fresh');
      assert.equal(first.status, 'unknown');
      assert.equal(first.consecutive_failures, 1);
      assert.deepEqual(
        { address: first.address, connection: first.connection, interval_sec: first.interval_sec, groups: first.groups },
        { address: 'fresh', connection: 'ssh', interval_sec: 10, groups: [] },
      );
      await applyPollResults(testDb.db, [success('fresh', 2)], { downAfter: 3 });
      assert.equal((await host('fresh')).status, 'up');
    });

    void test('up → 1, 2 failures stay up with the reason → 3rd is down → a success is up at once', async () => {
      await applyPollResults(testDb.db, [success('web', 1)], { downAfter: 3 });
      const up = await host('web');
      assert.deepEqual(
        { status: up.status, reason: up.status_reason, failures: up.consecutive_failures, sampleAt: up.last_sample_at?.getTime(), pollAt: up.last_poll_at?.getTime() },
        { status: 'up', reason: null, failures: 0, sampleAt: T0 + 10_050, pollAt: T0 + 10_050 },
      );
      await applyPollResults(testDb.db, [failure('web', 2)], { downAfter: 3 });
      let state = await host('web');
      assert.deepEqual([state.status, state.status_reason, state.status_message, state.consecutive_failures], ['up', 'timeout-connect', 'no answer 2', 1]);
      await applyPollResults(testDb.db, [failure('web', 3)], { downAfter: 3 });
      state = await host('web');
      assert.deepEqual([state.status, state.consecutive_failures, state.last_poll_at?.getTime()], ['up', 2, T0 + 30_070]);
      await applyPollResults(testDb.db, [failure('web', 4)], { downAfter: 3 });
      state = await host('web');
      assert.deepEqual([state.status, state.consecutive_failures], ['down', 3]);
      await applyPollResults(testDb.db, [success('web', 5)], { downAfter: 3 });
      state = await host('web');
      assert.deepEqual(
        [state.status, state.status_reason, state.status_message, state.consecutive_failures, state.last_sample_at?.getTime()],
        ['up', null, null, 0, T0 + 50_050],
      );
      assert.equal(await count('poll_failures', 'web'), 3);
      assert.equal(await count('samples', 'web'), 2);
    });

    void test('a batch is applied per host in seq order, whatever order it arrives in', async () => {
      await applyPollResults(testDb.db, [success('db', 4), failure('db', 2), failure('db', 1), success('other', 1), failure('db', 3)], { downAfter: 3 });
      const db = await host('db');
      // Three failures (down), then the later success: up.
      assert.deepEqual([db.status, db.consecutive_failures, db.status_reason], ['up', 0, null]);
      await applyPollResults(testDb.db, [failure('db', 6), failure('db', 5), success('db', 7), failure('db', 8)], { downAfter: 3 });
      const after = await host('db');
      assert.deepEqual([after.status, after.consecutive_failures, after.status_message], ['up', 1, 'no answer 8']);
      assert.equal((await host('other')).status, 'up');
    });

    void test('applying the same results twice stores them once and counts failures once', async () => {
      const batch = [success('twice', 1), failure('twice', 2), failure('twice', 3)];
      await applyPollResults(testDb.db, batch, { downAfter: 3 });
      await applyPollResults(testDb.db, batch, { downAfter: 3 });
      await applyPollResults(testDb.db, [...batch, failure('twice', 3)], { downAfter: 3 });
      const state = await host('twice');
      assert.deepEqual([state.status, state.consecutive_failures], ['up', 2]);
      assert.equal(await count('samples', 'twice'), 1);
      assert.equal(await count('poll_failures', 'twice'), 2);
    });

    void test('a failing batch changes nothing (one transaction)', async () => {
      const bad = success('atomic', 2);
      // Out of range for the integer column: the whole batch must roll back.
      bad.sample.cpuCount = 1e12;
      await assert.rejects(applyPollResults(testDb.db, [failure('atomic', 1), bad], { downAfter: 3 }));
      const rows = await testDb.db.selectFrom('hosts').select('name').where('name', '=', 'atomic').execute();
      assert.deepEqual(rows, []);
      assert.equal(await count('poll_failures', 'atomic'), 0);
    });
  });
}
