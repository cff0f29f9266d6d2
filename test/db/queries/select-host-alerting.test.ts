import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { selectHostAlerting } from '../../../lib/db/queries/select-host-alerting.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`selectHostAlerting on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('groups and the maintenance setting of a host; nothing for an unknown host', async () => {
      const windows = [{ days: ['sun'], start: '02:00', end: '04:00', timezone: 'UTC' }];
      await testDb.db.insertInto('hosts').values({ name: 'db-1', address: '10.0.0.1', connection: 'ssh', groups: JSON.stringify(['db', 'prod']), interval_sec: 10 }).execute();
      await testDb.db.insertInto('hosts').values({ name: 'web-1', address: '10.0.0.2', connection: 'ssh', groups: JSON.stringify(['web']), interval_sec: 10 }).execute();
      await sql`UPDATE hosts SET alerting = ${JSON.stringify({ downAfter: 5, maintenance: windows })}::json WHERE name = 'db-1'`.execute(testDb.db);
      assert.deepEqual(await selectHostAlerting(testDb.db, 'db-1'), { groups: ['db', 'prod'], maintenance: windows });
      assert.deepEqual(await selectHostAlerting(testDb.db, 'web-1'), { groups: ['web'], maintenance: null });
      assert.deepEqual(await selectHostAlerting(testDb.db, 'gone'), { groups: [], maintenance: null });
    });
  });
}
