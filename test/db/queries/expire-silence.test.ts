import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expireSilence } from '../../../lib/db/queries/expire-silence.ts';
import { insertSilence } from '../../../lib/db/queries/insert-silence.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { T } from './alert-fixtures.ts';

void describe('expireSilence', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(async () => testDb?.close());

  void test('ends a silence once; expiring again or after its end keeps the first answer; unknown id is null', async () => {
    const silence = await insertSilence(testDb.db, { matchers: { group: 'edge' }, startsAt: T, endsAt: T + 60_000, comment: 'x', createdBy: 'a' });
    assert.equal((await expireSilence(testDb.db, silence.id, T + 10))?.expiredAt, T + 10);
    assert.equal((await expireSilence(testDb.db, silence.id, T + 20))?.expiredAt, T + 10);
    const ended = await insertSilence(testDb.db, { matchers: { group: 'edge' }, startsAt: T, endsAt: T + 60_000, comment: 'x', createdBy: 'a' });
    assert.equal((await expireSilence(testDb.db, ended.id, T + 120_000))?.expiredAt, null);
    assert.equal(await expireSilence(testDb.db, 999_999, T), null);
  });
});
