import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { claimDueNotifications } from '../../../lib/db/queries/claim-due-notifications.ts';
import { enqueueNotification } from '../../../lib/db/queries/enqueue-notification.ts';
import { listNotifications } from '../../../lib/db/queries/list-notifications.ts';
import { recordDeliveryAttempt } from '../../../lib/db/queries/record-delivery-attempt.ts';
import { openDatabase } from '../../../lib/db/open-database.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { noticeAlert, T } from './alert-fixtures.ts';

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`enqueueNotification on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    beforeEach(async () => {
      await sql`TRUNCATE notifications`.execute(testDb.db);
    });
    after(async () => testDb?.close());

    const base = { receiver: 'ops', channel: 'email' as const, target: { to: ['ops@example.test'] }, kind: 'firing' as const, groupWaitMs: 1000, groupIntervalMs: 0 };

    void test('alerts within the group window join one notification, due when the window ends', async () => {
      const a = await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('a'), now: T });
      const b = await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('b'), now: T + 500 });
      const again = await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('a'), now: T + 600 });
      assert.equal(a.opened, true);
      assert.deepEqual([b, again], [{ id: a.id, opened: false }, { id: a.id, opened: false }]);
      const [row] = await listNotifications(testDb.db, { limit: 10 });
      assert.deepEqual(row?.alertKeys, ['a', 'b']);
      assert.deepEqual(row?.alerts.map((x) => x.key), ['a', 'b']);
      assert.equal(row?.nextAttemptAt, T + 1000);
      assert.equal(row?.status, 'pending');
    });

    void test('after the window, or for another kind, receiver, channel or target, a new notification opens', async () => {
      const first = await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('a'), now: T });
      const variants = [
        { ...base, alert: noticeAlert('b'), now: T + 1000 },
        { ...base, kind: 'resolved' as const, alert: noticeAlert('c'), now: T + 10 },
        { ...base, receiver: 'db-team', alert: noticeAlert('d'), now: T + 10 },
        { ...base, target: { to: ['other@example.test'] }, alert: noticeAlert('e'), now: T + 10 },
        { ...base, channel: 'webhook' as const, target: { url: 'http://127.0.0.1:1/x', format: 'json' }, alert: noticeAlert('f'), now: T + 10 },
      ];
      for (const variant of variants) {
        const result = await enqueueNotification(testDb.db, variant);
        assert.equal(result.opened, true, variant.alert.key);
        assert.notEqual(result.id, first.id);
      }
      assert.equal((await listNotifications(testDb.db, { limit: 10 })).length, 6);
    });

    void test('a notification that was attempted once takes no more alerts', async () => {
      const first = await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('a'), now: T });
      await testDb.db.updateTable('notifications').set({ attempts: 1 }).where('id', '=', first.id).execute();
      assert.equal((await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('b'), now: T + 10 })).opened, true);
    });

    void test('a failure is recorded as a failed notification, never joined', async () => {
      await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('a'), now: T, failure: 'no SMTP server configured' });
      const second = await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('b'), now: T, failure: 'no SMTP server configured' });
      assert.equal(second.opened, true);
      const rows = await listNotifications(testDb.db, { limit: 10, status: 'failed' });
      assert.deepEqual(rows.map((r) => r.lastError), ['no SMTP server configured', 'no SMTP server configured']);
    });

    void describe('group_interval', () => {
      const storm = { ...base, groupWaitMs: 1000, groupIntervalMs: 10_000 };
      const dueOf = async (id: number): Promise<number | undefined> => (await listNotifications(testDb.db, { limit: 100 })).find((n) => n.id === id)?.nextAttemptAt;
      /** The sender's part: claims what is due at `at` and records it sent at `sentAt`. */
      const send = async (at: number, sentAt: number): Promise<void> => {
        const claimed = await claimDueNotifications(testDb.db, { now: at, leaseMs: 60_000, limit: 10 });
        assert.ok(claimed.length > 0, `something due at ${at - T}`);
        for (const n of claimed) await recordDeliveryAttempt(testDb.db, n, { sent: true }, sentAt);
      };

      void test('after the first message is due, the next one is due group_interval after it, and what fires meanwhile joins that one', async () => {
        const first = await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('a'), now: T });
        // Due but not yet taken by the sender.
        const next = await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('b'), now: T + 1500 });
        assert.equal(next.opened, true);
        assert.equal(await dueOf(first.id), T + 1000);
        assert.equal(await dueOf(next.id), T + 11_000, 'due group_interval after the first was due, not group_wait after now');
        for (const [key, at] of [['c', T + 4000], ['d', T + 10_999]] as const) {
          assert.deepEqual(await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert(key), now: at }), { id: next.id, opened: false }, key);
        }
        const rows = await listNotifications(testDb.db, { limit: 10 });
        assert.deepEqual(rows.map((r) => [r.alertKeys, r.nextAttemptAt]).reverse(), [[['a'], T + 1000], [['b', 'c', 'd'], T + 11_000]]);
      });

      void test('a message already sent: the next is due group_interval after it went; in flight or awaiting a retry: after now', async () => {
        await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('a'), now: T });
        await send(T + 1000, T + 1050);
        const afterSent = await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('b'), now: T + 3000 });
        assert.equal(await dueOf(afterSent.id), T + 11_050);

        await sql`TRUNCATE notifications`.execute(testDb.db);
        await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('a'), now: T });
        assert.equal((await claimDueNotifications(testDb.db, { now: T + 1000, leaseMs: 60_000, limit: 10 })).length, 1);
        const whileSending = await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('b'), now: T + 1200 });
        assert.equal(await dueOf(whileSending.id), T + 11_200, 'the lease is not the due time');

        await sql`TRUNCATE notifications`.execute(testDb.db);
        await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('a'), now: T });
        const [failing] = await claimDueNotifications(testDb.db, { now: T + 1000, leaseMs: 60_000, limit: 10 });
        assert.ok(failing);
        await recordDeliveryAttempt(testDb.db, failing, { sent: false, error: 'connect ECONNREFUSED', retryAt: T + 2000 }, T + 1100);
        const whileRetrying = await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('b'), now: T + 1500 });
        assert.equal(whileRetrying.opened, true, 'a message attempted once takes no more alerts');
        assert.equal(await dueOf(whileRetrying.id), T + 11_500);
      });

      void test('a receiver quiet for group_interval starts afresh with group_wait; other receivers, targets and channels never wait for it', async () => {
        await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('a'), now: T });
        await send(T + 1000, T + 1050);
        const others = [
          { ...storm, receiver: 'dba', alert: noticeAlert('d'), now: T + 2000 },
          { ...storm, target: { to: ['other@example.test'] }, alert: noticeAlert('e'), now: T + 2000 },
          { ...storm, channel: 'webhook' as const, target: { url: 'http://127.0.0.1:1/x', format: 'json' }, alert: noticeAlert('f'), now: T + 2000 },
        ];
        for (const other of others) assert.equal(await dueOf((await enqueueNotification(testDb.db, other)).id), T + 3000, other.alert.key);
        const fresh = await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('b'), now: T + 11_051 });
        assert.equal(await dueOf(fresh.id), T + 12_051);
      });

      void test('recovery notices follow the same rule, apart from firing ones', async () => {
        await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('a'), now: T });
        await send(T + 1000, T + 1000);
        const resolved = { ...storm, kind: 'resolved' as const };
        const firstRecovery = await enqueueNotification(testDb.db, { ...resolved, alert: noticeAlert('a', { status: 'resolved' }), now: T + 2000 });
        assert.equal(await dueOf(firstRecovery.id), T + 3000, 'not held back by the firing message');
        await send(T + 3000, T + 3000);
        const laterRecovery = await enqueueNotification(testDb.db, { ...resolved, alert: noticeAlert('b', { status: 'resolved' }), now: T + 4000 });
        assert.equal(await dueOf(laterRecovery.id), T + 13_000);
      });

      void test('a failure recorded at once (no SMTP server) neither waits nor holds back', async () => {
        const failed = await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('a'), now: T, failure: 'no SMTP server configured' });
        const next = await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('b'), now: T + 2000 });
        assert.notEqual(next.id, failed.id);
        assert.equal(await dueOf(next.id), T + 3000);
      });

      // A second connection: PGlite has one.
      if (kind === 'postgres') void test('a transaction adding an alert to the follow-up holds it from a sender until it commits', async () => {
        await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('a'), now: T });
        const followUp = await enqueueNotification(testDb.db, { ...storm, alert: noticeAlert('b'), now: T + 1500 });
        const sender = await openDatabase({ url: testDb.url as string });
        try {
          let releaseJoin!: () => void;
          const held = new Promise<void>((resolve) => {
            releaseJoin = resolve;
          });
          let joined!: () => void;
          const inside = new Promise<void>((resolve) => {
            joined = resolve;
          });
          const transaction = testDb.db.transaction().execute(async (trx) => {
            assert.deepEqual(await enqueueNotification(trx, { ...storm, alert: noticeAlert('c'), now: T + 10_000 }), { id: followUp.id, opened: false });
            joined();
            await held;
          });
          await inside;
          const claimedMeanwhile = await claimDueNotifications(sender.db, { now: T + 11_000, leaseMs: 60_000, limit: 10 });
          assert.deepEqual(claimedMeanwhile.map((n) => n.alertKeys), [['a']], 'the follow-up is skipped while an alert is being added to it');
          releaseJoin();
          await transaction;
          const claimedAfter = await claimDueNotifications(sender.db, { now: T + 11_000, leaseMs: 60_000, limit: 10 });
          assert.deepEqual(claimedAfter.map((n) => n.alertKeys), [['b', 'c']]);
        } finally {
          await sender.close();
        }
      });
    });
  });
}
