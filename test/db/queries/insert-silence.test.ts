import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertSilence } from '../../../lib/db/queries/insert-silence.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { T } from './alert-fixtures.ts';

void describe('insertSilence', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(async () => testDb?.close());

  void test('stores only the matchers given, and returns the silence', async () => {
    const silence = await insertSilence(testDb.db, { matchers: { host: 'web-1', group: undefined }, startsAt: T, endsAt: T + 60_000, comment: 'deploy', createdBy: 'alice' });
    assert.deepEqual({ ...silence, id: 0, createdAt: 0 }, { id: 0, matchers: { host: 'web-1' }, startsAt: T, endsAt: T + 60_000, comment: 'deploy', createdBy: 'alice', createdAt: 0, expiredAt: null });
    assert.ok(silence.id > 0);
  });

  void test('refuses a silence without matchers, or ending before it starts', async () => {
    await assert.rejects(insertSilence(testDb.db, { matchers: {}, startsAt: T, endsAt: T + 1, comment: 'x', createdBy: 'a' }), /host, a group or a rule/);
    await assert.rejects(insertSilence(testDb.db, { matchers: { rule: 'r' }, startsAt: T, endsAt: T, comment: 'x', createdBy: 'a' }), /check constraint/);
  });
});
