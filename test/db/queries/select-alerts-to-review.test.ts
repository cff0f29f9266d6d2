import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
});
