import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expireSilence } from '../../../lib/db/queries/expire-silence.ts';
import { insertSilence } from '../../../lib/db/queries/insert-silence.ts';
import { listSilences } from '../../../lib/db/queries/list-silences.ts';
import { isSilenceActive } from '../../../lib/db/queries/stored-silence.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { T } from './alert-fixtures.ts';

void describe('listSilences', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('pglite');
  });
  after(async () => testDb?.close());

  void test('active at a time: started, not ended, not expired; all: newest first', async () => {
    const add = (host: string, startsAt: number, endsAt: number) => insertSilence(testDb.db, { matchers: { host }, startsAt, endsAt, comment: host, createdBy: 'a' });
    await add('ended', T - 7200_000, T - 3600_000);
    await add('active', T - 1000, T + 1000);
    await add('future', T + 1000, T + 2000);
    const expired = await add('expired', T - 1000, T + 1000);
    await expireSilence(testDb.db, expired.id, T - 500);
    const active = await listSilences(testDb.db, { activeAt: T });
    assert.deepEqual(active.map((s) => s.matchers.host), ['active']);
    assert.ok(active.every((s) => isSilenceActive(s, T)));
    assert.deepEqual((await listSilences(testDb.db)).map((s) => s.matchers.host), ['expired', 'future', 'active', 'ended']);
    assert.equal((await listSilences(testDb.db, { limit: 1 })).length, 1);
  });
});
