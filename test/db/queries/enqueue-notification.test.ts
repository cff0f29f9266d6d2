import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { enqueueNotification } from '../../../lib/db/queries/enqueue-notification.ts';
import { listNotifications } from '../../../lib/db/queries/list-notifications.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { noticeAlert, T } from './alert-fixtures.ts';

void describe('enqueueNotification', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  beforeEach(async () => {
    await sql`TRUNCATE notifications`.execute(testDb.db);
  });
  after(async () => testDb?.close());

  const base = { receiver: 'ops', channel: 'email' as const, target: { to: ['ops@example.test'] }, kind: 'firing' as const, groupWaitMs: 1000 };

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
});
