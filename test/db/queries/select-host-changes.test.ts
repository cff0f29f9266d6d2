import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { applyPollResults } from '../../../lib/db/queries/apply-poll-results.ts';
import { selectChangeHorizon } from '../../../lib/db/queries/select-change-horizon.ts';
import { selectHostChanges, type HostChange } from '../../../lib/db/queries/select-host-changes.ts';
import type { PollFailure } from '../../../lib/poll/poll-messages.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { testSuccess } from '../../support/test-samples.ts';

const T0 = Date.now() - 600_000;

function failure(host: string, seq: number, reason: PollFailure['reason'] = 'timeout-connect'): PollFailure {
  const at = T0 + seq * 10_000;
  return { kind: 'failure', host, seq, scheduledAt: at, startedAt: at, finishedAt: at + 70, reason, message: `no answer ${seq}` };
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`selectHostChanges and selectChangeHorizon on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await ensureSamplePartitions(testDb.db, T0);
    });
    after(async () => testDb?.close());

    /**
     * What a write did, as the feed sees it: the rows read since the cursor whose stamp differs
     * from before the write. On a shared PostgreSQL, transactions of other databases hold the
     * cursor back, so older rows come back too (the feed drops them the same way).
     */
    const write = async (action: () => Promise<unknown>): Promise<HostChange[]> => {
      const { db } = testDb;
      const before = new Map((await selectHostChanges(db, { since: null })).map((row) => [row.name, row.changedXid]));
      const cursor = await selectChangeHorizon(db);
      await action();
      const rows = await selectHostChanges(db, { since: cursor });
      assert.ok(rows.every((row) => BigInt(row.changedXid ?? -1) >= BigInt(cursor)), 'every row is at or above the cursor');
      return rows.filter((row) => row.changedXid !== before.get(row.name));
    };
    const names = (rows: HostChange[]): string[] => rows.map((row) => row.name).sort();

    void test('a new sample or a status change is seen after the cursor; a repeated failure and a late old sample are not', async () => {
      const { db } = testDb;
      await applyPollResults(db, [testSuccess('web1', 1, T0 + 10_000), testSuccess('web2', 1, T0 + 10_000)], { downAfter: 2 });
      const baseline = await selectHostChanges(db, { since: null });
      assert.deepEqual(baseline.map((row) => [row.name, row.lastSampleAt, row.status]), [['web1', T0 + 10_000, 'up'], ['web2', T0 + 10_000, 'up']].sort());

      const [sampled, ...more] = await write(() => applyPollResults(db, [testSuccess('web1', 2, T0 + 20_000)], { downAfter: 2 }));
      assert.deepEqual(more, []);
      assert.deepEqual(
        { name: sampled?.name, lastSampleAt: sampled?.lastSampleAt, status: sampled?.status, statusReason: sampled?.statusReason },
        { name: 'web1', lastSampleAt: T0 + 20_000, status: 'up', statusReason: null },
      );
      assert.match(sampled?.changedXid ?? '', /^\d+$/);

      const failed = await write(() => applyPollResults(db, [failure('web2', 2)], { downAfter: 2 }));
      assert.deepEqual(failed.map((row) => [row.name, row.status, row.statusReason, row.statusMessage]), [['web2', 'up', 'timeout-connect', 'no answer 2']]);

      // A second failure with the same reason that marks the host down is a change; a third is not.
      const down = await write(() => applyPollResults(db, [failure('web2', 3)], { downAfter: 2 }));
      assert.deepEqual(down.map((row) => [row.name, row.status]), [['web2', 'down']]);
      assert.deepEqual(names(await write(() => applyPollResults(db, [failure('web2', 4)], { downAfter: 2 }))), []);

      // Stored, but older than the newest sample: last_sample_at does not move.
      assert.deepEqual(names(await write(() => applyPollResults(db, [testSuccess('web1', 3, T0 + 15_000)], { downAfter: 2 }))), []);
    });

    void test('a host added to the table is a change; a removed host is left out', async () => {
      const { db } = testDb;
      const added = await write(async () => {
        await db.insertInto('hosts').values({ name: 'new1', address: 'new1', connection: 'ssh', groups: '[]', interval_sec: 10 }).execute();
        await db.insertInto('hosts').values({ name: 'gone1', address: 'gone1', connection: 'ssh', groups: '[]', interval_sec: 10, removed_at: new Date() }).execute();
      });
      assert.deepEqual(names(added), ['new1']);
      assert.ok(!(await selectHostChanges(db, { since: null })).some((row) => row.name === 'gone1'));
    });
  });
}

// The reason for transaction ids as the cursor: a write that was under way when the cursor was
// taken and commits later must still be seen, even though later writes committed before it.
void describe('selectHostChanges with a transaction that commits late, on postgres', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
    await ensureSamplePartitions(testDb.db, T0);
  });
  after(async () => testDb?.close());

  void test('a slow writer is not skipped by a cursor that moved past a faster one', async () => {
    const { db } = testDb;
    await applyPollResults(db, [testSuccess('slow', 1, T0 + 10_000), testSuccess('fast', 1, T0 + 10_000)], { downAfter: 2 });
    const slow = new pg.Client({ connectionString: testDb.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`UPDATE hosts SET last_sample_at = $1 WHERE name = 'slow'`, [new Date(T0 + 20_000)]);
      const slowXid = BigInt((await slow.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0]?.xid ?? NaN);

      const first = await selectChangeHorizon(db);
      await applyPollResults(db, [testSuccess('fast', 2, T0 + 20_000)], { downAfter: 2 });
      // Rows may be read again while older transactions anywhere on the server run (the caller
      // drops repeats), but the open transaction's write is not visible yet.
      const during = await selectHostChanges(db, { since: first });
      assert.ok(during.some((row) => row.name === 'fast' && row.lastSampleAt === T0 + 20_000), JSON.stringify(during));
      assert.ok(!during.some((row) => row.name === 'slow' && row.lastSampleAt !== T0 + 10_000), JSON.stringify(during));
      const second = await selectChangeHorizon(db);
      // Other databases' transactions on a shared server may hold it lower still, never higher.
      assert.ok(BigInt(second) <= slowXid, `the cursor ${second} stays at or below the open transaction ${slowXid}`);

      await slow.query('COMMIT');
      const after = (await selectHostChanges(db, { since: second })).map((row) => [row.name, row.lastSampleAt]);
      assert.ok(after.some(([name, ts]) => name === 'slow' && ts === T0 + 20_000), JSON.stringify(after));
    } finally {
      await slow.end();
    }
  });
});
