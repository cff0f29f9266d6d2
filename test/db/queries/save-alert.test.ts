import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import { selectAlertForUpdate } from '../../../lib/db/queries/select-alert-for-update.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { storedAlert, T } from './alert-fixtures.ts';

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`saveAlert and selectAlertForUpdate on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('an alert reads back exactly as it was saved, and a second save updates it', async () => {
      const alert = storedAlert();
      await saveAlert(testDb.db, alert);
      assert.deepEqual(await testDb.db.transaction().execute((trx) => selectAlertForUpdate(trx, alert.key)), alert);
      const resolved = storedAlert({ state: 'resolved', endsAt: T + 5000, ackedBy: 'a', ackedAt: T + 1, ackedComment: 'c', flapping: true, value: null });
      await saveAlert(testDb.db, resolved);
      assert.deepEqual(await selectAlertForUpdate(testDb.db, alert.key), resolved);
      assert.equal(await selectAlertForUpdate(testDb.db, 'nope'), undefined);
    });
  });
}
