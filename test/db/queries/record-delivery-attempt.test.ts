import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { claimDueNotifications } from '../../../lib/db/queries/claim-due-notifications.ts';
import { enqueueNotification } from '../../../lib/db/queries/enqueue-notification.ts';
import { listAlertHistory } from '../../../lib/db/queries/list-alert-history.ts';
import { listNotifications } from '../../../lib/db/queries/list-notifications.ts';
import { recordDeliveryAttempt } from '../../../lib/db/queries/record-delivery-attempt.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { noticeAlert, T } from './alert-fixtures.ts';

void describe('recordDeliveryAttempt', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(async () => testDb?.close());

  void test('a failure reschedules with its error; success marks sent and goes into each alert\'s history', async () => {
    const base = { receiver: 'ops', channel: 'email' as const, target: { to: ['x@example.test'] }, kind: 'firing' as const, now: T, groupWaitMs: 1000, groupIntervalMs: 0 };
    await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('a') });
    await enqueueNotification(testDb.db, { ...base, alert: noticeAlert('b'), now: T + 10 });
    const [claimed] = await claimDueNotifications(testDb.db, { now: T + 1000, leaseMs: 60_000, limit: 1 });
    assert.deepEqual(claimed?.alertKeys, ['a', 'b']);
    assert.ok(claimed);
    await recordDeliveryAttempt(testDb.db, claimed, { sent: false, error: 'connect ECONNREFUSED 127.0.0.1:25', retryAt: T + 2000 }, T + 10);
    let [row] = await listNotifications(testDb.db, { limit: 1 });
    assert.deepEqual([row?.status, row?.attempts, row?.lastError, row?.nextAttemptAt], ['pending', 1, 'connect ECONNREFUSED 127.0.0.1:25', T + 2000]);
    assert.deepEqual(await listAlertHistory(testDb.db, { limit: 10 }), [], 'a failure that will be retried is not history yet');

    const [again] = await claimDueNotifications(testDb.db, { now: T + 2000, leaseMs: 60_000, limit: 1 });
    assert.ok(again);
    await recordDeliveryAttempt(testDb.db, again, { sent: true }, T + 2100);
    [row] = await listNotifications(testDb.db, { limit: 1 });
    assert.deepEqual([row?.status, row?.attempts, row?.sentAt], ['sent', 2, T + 2100]);
    const history = await listAlertHistory(testDb.db, { limit: 10 });
    assert.deepEqual(history.map((h) => [h.alertKey, h.event, h.details['attempts']]), [['b', 'notified', 2], ['a', 'notified', 2]]);
  });

  void test('giving up marks the notification failed and says so in the history', async () => {
    await enqueueNotification(testDb.db, { receiver: 'ops', channel: 'webhook', target: { url: 'http://127.0.0.1:9/x', format: 'json' }, kind: 'resolved', alert: noticeAlert('c'), now: T, groupWaitMs: 0, groupIntervalMs: 0 });
    const [claimed] = await claimDueNotifications(testDb.db, { now: T + 5000, leaseMs: 60_000, limit: 1 });
    assert.ok(claimed);
    await recordDeliveryAttempt(testDb.db, claimed, { sent: false, error: 'answered 500', retryAt: null }, T + 5001);
    const failed = await listNotifications(testDb.db, { limit: 10, status: 'failed' });
    assert.deepEqual(failed.map((n) => [n.alertKeys, n.lastError]), [[['c'], 'answered 500']]);
    const history = await listAlertHistory(testDb.db, { limit: 10, key: 'c' });
    assert.deepEqual(history.map((h) => [h.event, h.comment]), [['notify-failed', 'answered 500']]);
  });
});
