import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ackAlert } from '../../../lib/db/queries/ack-alert.ts';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import { selectAlertChanges, type AlertChange } from '../../../lib/db/queries/select-alert-changes.ts';
import { selectChangeHorizon } from '../../../lib/db/queries/select-change-horizon.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { storedAlert, T } from './alert-fixtures.ts';

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`selectAlertChanges on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    /** What a write did, as the feed sees it (see select-host-changes.test.ts): key:state of the rows whose stamp moved. */
    const write = async (action: () => Promise<unknown>): Promise<AlertChange[]> => {
      const { db } = testDb;
      const before = new Map((await db.selectFrom('alerts').select(['key', sql<string>`changed_xid::text`.as('xid')]).execute()).map((row) => [row.key, row.xid]));
      const cursor = await selectChangeHorizon(db);
      await action();
      return (await selectAlertChanges(db, { since: cursor })).filter((change) => change.changedXid !== before.get(change.alert.key));
    };
    const keys = (changes: AlertChange[]): string[] => changes.map((c) => `${c.alert.key}:${c.alert.state}`);

    void test('firing, acknowledging, being held back and resolving are changes; a new value or a reminder is not', async () => {
      const { db } = testDb;
      const alert = storedAlert();
      const [fired, ...more] = await write(() => saveAlert(db, alert));
      assert.deepEqual(more, []);
      assert.deepEqual(fired?.alert, alert);
      assert.match(fired?.changedXid ?? '', /^\d+$/);

      assert.deepEqual(keys(await write(() => saveAlert(db, { ...alert, value: 93, summary: '/data 93 % full', lastNotifiedAt: T + 60_000 }))), []);

      const acked = await write(async () => assert.equal((await ackAlert(db, alert.key, { by: 'ann', comment: 'on it', at: T + 1000 })).ok, true));
      assert.deepEqual(keys(acked), [`${alert.key}:firing`]);
      assert.equal(acked[0]?.alert.ackedBy, 'ann');

      // Held back (a silence began) and no longer: each is a change an open alerts page shows.
      const held = await write(() => saveAlert(db, { ...alert, ackedBy: 'ann', ackedAt: T + 1000, ackedComment: 'on it', heldBackBy: 'silence 1' }));
      assert.deepEqual(keys(held), [`${alert.key}:firing`]);
      assert.equal(held[0]?.alert.heldBackBy, 'silence 1');
      assert.deepEqual(keys(await write(() => saveAlert(db, { ...alert, ackedBy: 'ann', ackedAt: T + 1000, ackedComment: 'on it', heldBackBy: null }))), [`${alert.key}:firing`]);

      const resolved = await write(() => saveAlert(db, { ...alert, state: 'resolved', endsAt: T + 5000, ackedBy: 'ann', ackedAt: T + 1000, ackedComment: 'on it' }));
      assert.deepEqual(keys(resolved), [`${alert.key}:resolved`]);
    });
  });
}
