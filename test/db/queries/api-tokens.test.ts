import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deleteApiToken, insertApiToken, listApiTokens, selectLiveApiToken, selectLiveApiTokenIds, touchApiToken } from '../../../lib/db/queries/api-tokens.ts';
import { deleteUser, insertUser } from '../../../lib/db/queries/user-accounts.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const T0 = Date.parse('2025-05-01T00:00:00.000Z');
const DAY = 86_400_000;

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`API tokens on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await insertUser(testDb.db, { name: 'alice', role: 'admin', passwordHash: 'x' });
      await insertUser(testDb.db, { name: 'bot', role: 'viewer', passwordHash: 'x' });
    });
    after(async () => testDb?.close());

    void test('a token is found by its hash with its user and role, until it expires', async () => {
      const { db } = testDb;
      const forever = await insertApiToken(db, { tokenHash: 'hash-forever', name: 'prometheus', userName: 'bot', at: T0, expiresAt: null });
      const monthly = await insertApiToken(db, { tokenHash: 'hash-30d', name: 'script', userName: 'alice', at: T0, expiresAt: T0 + 30 * DAY });
      assert.deepEqual(forever, { id: forever.id, name: 'prometheus', user: 'bot', createdAt: T0, expiresAt: null, lastUsedAt: null });
      assert.deepEqual(await selectLiveApiToken(db, 'hash-forever', T0 + 1000 * DAY), { id: forever.id, user: { name: 'bot', role: 'viewer' }, lastUsedAt: null });
      assert.equal((await selectLiveApiToken(db, 'hash-30d', T0 + 30 * DAY - 1))?.user.role, 'admin');
      assert.equal(await selectLiveApiToken(db, 'hash-30d', T0 + 30 * DAY), null, 'expired');
      assert.equal(await selectLiveApiToken(db, 'nope', T0), null);
      assert.equal(monthly.expiresAt, T0 + 30 * DAY);
    });

    void test('use is recorded; the list shows every token without its hash', async () => {
      const { db } = testDb;
      const [first] = await listApiTokens(db);
      assert.ok(first);
      await touchApiToken(db, first.id, T0 + DAY);
      assert.equal((await selectLiveApiToken(db, 'hash-forever', T0 + DAY))?.lastUsedAt, T0 + DAY);
      const all = await listApiTokens(db);
      assert.deepEqual(all.map((t) => [t.name, t.user, t.lastUsedAt]), [['prometheus', 'bot', T0 + DAY], ['script', 'alice', null]]);
      assert.ok(!JSON.stringify(all).includes('hash-'));
      assert.deepEqual((await listApiTokens(db, { user: 'alice' })).map((t) => t.name), ['script']);
    });

    void test('revoking deletes a token; deleting a user deletes their tokens; hashes are unique', async () => {
      const { db } = testDb;
      const [first] = await listApiTokens(db, { user: 'bot' });
      assert.equal(await deleteApiToken(db, first!.id), true);
      assert.equal(await deleteApiToken(db, first!.id), false);
      assert.equal(await selectLiveApiToken(db, 'hash-forever', T0), null);
      await assert.rejects(insertApiToken(db, { tokenHash: 'hash-30d', name: 'dup', userName: 'bot', at: T0, expiresAt: null }));
      await insertApiToken(db, { tokenHash: 'hash-bot', name: 'x', userName: 'bot', at: T0, expiresAt: null });
      await deleteUser(db, 'bot');
      assert.deepEqual((await listApiTokens(db)).map((t) => t.user), ['alice']);
    });

    void test('selectLiveApiTokenIds keeps the ids of tokens not expired nor revoked', async () => {
      const { db } = testDb;
      const open = await insertApiToken(db, { tokenHash: 'ids-open', name: 'a', userName: 'alice', at: T0, expiresAt: null });
      const day = await insertApiToken(db, { tokenHash: 'ids-day', name: 'b', userName: 'alice', at: T0, expiresAt: T0 + DAY });
      const gone = await insertApiToken(db, { tokenHash: 'ids-gone', name: 'c', userName: 'alice', at: T0, expiresAt: null });
      await deleteApiToken(db, gone.id);
      const ids = [open.id, day.id, gone.id, 999_999];
      assert.deepEqual([...(await selectLiveApiTokenIds(db, ids, T0 + 1000))].sort((a, b) => a - b), [open.id, day.id]);
      assert.deepEqual([...(await selectLiveApiTokenIds(db, ids, T0 + DAY))], [open.id], 'the day token expired');
      assert.deepEqual([...(await selectLiveApiTokenIds(db, [], T0))], []);
    });
  });
}
