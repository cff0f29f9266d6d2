import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import { selectAlertsToReview } from '../../../lib/db/queries/select-alerts-to-review.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { storedAlert, T } from './alert-fixtures.ts';

void describe('selectAlertsToReview', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(async () => testDb?.close());

  void test('firing and due a reminder, firing and never told, flapping, or held back; not acked, fresh or resolved ones', async () => {
    const hour = 3_600_000;
    await saveAlert(testDb.db, storedAlert({ key: 'due', lastNotifiedAt: T - 5 * hour }));
    await saveAlert(testDb.db, storedAlert({ key: 'fresh', lastNotifiedAt: T - hour }));
    await saveAlert(testDb.db, storedAlert({ key: 'acked', lastNotifiedAt: T - 5 * hour, ackedBy: 'a', ackedAt: T - hour }));
    await saveAlert(testDb.db, storedAlert({ key: 'untold', notifiedFiring: false, lastNotifiedAt: null }));
    await saveAlert(testDb.db, storedAlert({ key: 'flapping', state: 'resolved', flapping: true }));
    await saveAlert(testDb.db, storedAlert({ key: 'resolved', state: 'resolved', lastNotifiedAt: T - 5 * hour }));
    // Told, then held back (its host went down): whether it still is must be judged again.
    await saveAlert(testDb.db, storedAlert({ key: 'held', lastNotifiedAt: T - hour, heldBackBy: 'inhibited by host_down|db-1' }));
    await saveAlert(testDb.db, storedAlert({ key: 'held-pending', state: 'pending', notifiedFiring: false, lastNotifiedAt: null, heldBackBy: 'silence 4' }));
    const alerts = await selectAlertsToReview(testDb.db, { now: T, repeatIntervalMs: 4 * hour });
    assert.deepEqual(alerts.map((a) => a.key), ['due', 'flapping', 'held', 'held-pending', 'untold']);
  });

  void test('told and not held back: reviewed while a silence is active or its host has maintenance windows, so that either shows within a sweep', async () => {
    const hour = 3_600_000;
    await sql`TRUNCATE alerts, silences, hosts CASCADE`.execute(testDb.db);
    await testDb.db.insertInto('hosts').values([
      { name: 'backup-1', address: '127.0.0.1', connection: 'ssh', groups: '[]', interval_sec: 10, alerting: JSON.stringify({ maintenance: [{ start: '02:00', end: '04:00' }] }) },
      { name: 'web-1', address: '127.0.0.1', connection: 'ssh', groups: '[]', interval_sec: 10, alerting: JSON.stringify({ downAfter: 3 }) },
    ]).execute();
    await saveAlert(testDb.db, storedAlert({ key: 'told-web', host: 'web-1', lastNotifiedAt: T - hour }));
    await saveAlert(testDb.db, storedAlert({ key: 'told-backup', host: 'backup-1', lastNotifiedAt: T - hour }));
    await saveAlert(testDb.db, storedAlert({ key: 'resolved-web', host: 'web-1', state: 'resolved', lastNotifiedAt: T - hour }));
    const review = async () => (await selectAlertsToReview(testDb.db, { now: T, repeatIntervalMs: 4 * hour })).map((a) => a.key);
    assert.deepEqual(await review(), ['told-backup']);
    const silence = (startsAt: number, endsAt: number, expired = false) => ({
      matchers: '{"host":"web-1"}', starts_at: new Date(startsAt), ends_at: new Date(endsAt), comment: 'deploy', created_by: 'ops', expired_at: expired ? new Date(T - hour) : null,
    });
    // Over, expired early, or not started yet: nothing to judge.
    await testDb.db.insertInto('silences').values([silence(T - 3 * hour, T - 2 * hour), silence(T - hour, T + hour, true), silence(T + hour, T + 2 * hour)]).execute();
    assert.deepEqual(await review(), ['told-backup']);
    await testDb.db.insertInto('silences').values(silence(T - 60_000, T + hour)).execute();
    assert.deepEqual(await review(), ['told-backup', 'told-web']);
  });
});
