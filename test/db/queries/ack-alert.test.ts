import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ackAlert } from '../../../lib/db/queries/ack-alert.ts';
import { listAlertHistory } from '../../../lib/db/queries/list-alert-history.ts';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { storedAlert, T } from './alert-fixtures.ts';

void describe('ackAlert', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(async () => testDb?.close());

  void test('acks a firing alert and records who, when and why in its history', async () => {
    await saveAlert(testDb.db, storedAlert());
    const result = await ackAlert(testDb.db, storedAlert().key, { by: 'alice', comment: 'on it', at: T + 5 });
    assert.ok(result.ok);
    assert.deepEqual([result.alert.ackedBy, result.alert.ackedAt, result.alert.ackedComment], ['alice', T + 5, 'on it']);
    const history = await listAlertHistory(testDb.db, { limit: 5, key: storedAlert().key });
    assert.deepEqual(history.map((h) => [h.event, h.actor, h.comment, h.at, h.host, h.rule]), [['acked', 'alice', 'on it', T + 5, 'db-1', 'disk-full']]);
  });

  void test('an unknown or resolved alert is not acked', async () => {
    assert.deepEqual(await ackAlert(testDb.db, 'nope', { by: 'a', comment: '', at: T }), { ok: false, reason: 'not-found' });
    await saveAlert(testDb.db, storedAlert({ key: 'old', state: 'resolved', endsAt: T }));
    assert.deepEqual(await ackAlert(testDb.db, 'old', { by: 'a', comment: '', at: T }), { ok: false, reason: 'not-firing' });
  });
});
