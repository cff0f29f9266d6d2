import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../../lib/db/open-database.ts';
import { claimDueNotifications } from '../../../lib/db/queries/claim-due-notifications.ts';
import { enqueueNotification } from '../../../lib/db/queries/enqueue-notification.ts';
import { selectNextNotificationDue } from '../../../lib/db/queries/select-next-notification-due.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { noticeAlert, T } from './alert-fixtures.ts';

void describe('claimDueNotifications and selectNextNotificationDue', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  beforeEach(async () => {
    await sql`TRUNCATE notifications`.execute(testDb.db);
  });
  after(async () => testDb?.close());

  const queue = (key: string, now: number, groupWaitMs = 1000) =>
    enqueueNotification(testDb.db, { receiver: key, channel: 'email', target: { to: ['x@example.test'] }, kind: 'firing', alert: noticeAlert(key), now, groupWaitMs, groupIntervalMs: 0 });

  void test('only due notifications are claimed, leased, and counted as attempted', async () => {
    await queue('early', T);
    await queue('late', T + 5000);
    assert.equal(await selectNextNotificationDue(testDb.db), T + 1000);
    assert.deepEqual(await claimDueNotifications(testDb.db, { now: T + 999, leaseMs: 60_000, limit: 10 }), []);
    const claimed = await claimDueNotifications(testDb.db, { now: T + 1000, leaseMs: 60_000, limit: 10 });
    assert.deepEqual(claimed.map((n) => [n.receiver, n.status, n.attempts, n.nextAttemptAt]), [['early', 'sending', 1, T + 61_000]]);
    // Leased: not claimed again until the lease ends; the later one is due by now.
    const later = await claimDueNotifications(testDb.db, { now: T + 30_000, leaseMs: 60_000, limit: 10 });
    assert.deepEqual(later.map((n) => [n.receiver, n.attempts]), [['late', 1]]);
    assert.equal(await selectNextNotificationDue(testDb.db), T + 61_000);
    const afterLease = await claimDueNotifications(testDb.db, { now: T + 61_000, leaseMs: 60_000, limit: 10 });
    assert.deepEqual(afterLease.map((n) => [n.receiver, n.attempts]), [['early', 2]]);
  });

  void test('a limit is kept, and two senders claiming at once never get the same notification', async () => {
    for (let i = 0; i < 40; i++) await queue(`n${i}`, T, 0);
    assert.equal((await claimDueNotifications(testDb.db, { now: T, leaseMs: 60_000, limit: 0 })).length, 0);
    const other = await openDatabase({ url: testDb.url as string });
    try {
      const [a, b] = await Promise.all([
        claimDueNotifications(testDb.db, { now: T, leaseMs: 60_000, limit: 25 }),
        claimDueNotifications(other.db, { now: T, leaseMs: 60_000, limit: 25 }),
      ]);
      const ids = [...a, ...b].map((n) => n.id);
      assert.equal(new Set(ids).size, ids.length, 'no notification claimed twice');
      assert.ok(a.length <= 25 && b.length <= 25);
      assert.equal(ids.length, 40);
    } finally {
      await other.close();
    }
  });
});
