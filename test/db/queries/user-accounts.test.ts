import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { countUsers, deleteUser, DuplicateUserError, insertUser, listUsers, selectPasswordHash, selectUser, updateUser } from '../../../lib/db/queries/user-accounts.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`user accounts on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('insert, list, select; the hash comes back only from selectPasswordHash', async () => {
      const { db } = testDb;
      const alice = await insertUser(db, { name: 'alice', role: 'admin', passwordHash: 'scrypt$hash-a' });
      await insertUser(db, { name: 'bob', role: 'viewer', passwordHash: 'scrypt$hash-b' });
      assert.equal(alice.name, 'alice');
      assert.equal(alice.role, 'admin');
      assert.ok(Math.abs(alice.createdAt - Date.now()) < 60_000);
      const users = await listUsers(db);
      assert.deepEqual(users.map((u) => [u.name, u.role]), [['alice', 'admin'], ['bob', 'viewer']]);
      assert.ok(!JSON.stringify(users).includes('scrypt'));
      assert.deepEqual(await selectPasswordHash(db, 'bob'), { name: 'bob', role: 'viewer', passwordHash: 'scrypt$hash-b' });
      assert.equal(await selectPasswordHash(db, 'carol'), null);
      assert.equal((await selectUser(db, 'bob'))?.role, 'viewer');
      assert.equal(await selectUser(db, 'Bob'), null, 'names are case-sensitive');
      assert.deepEqual(await countUsers(db), { total: 2, admins: 1 });
    });

    void test('a taken name is a DuplicateUserError and changes nothing', async () => {
      await assert.rejects(insertUser(testDb.db, { name: 'alice', role: 'viewer', passwordHash: 'x' }), DuplicateUserError);
      assert.equal((await selectPasswordHash(testDb.db, 'alice'))?.passwordHash, 'scrypt$hash-a');
    });

    void test('updateUser changes role and hash; the last admin cannot become a viewer', async () => {
      const { db } = testDb;
      const later = Date.now() + 5000;
      const changed = await updateUser(db, 'bob', { passwordHash: 'scrypt$new', at: later });
      assert.ok(changed.ok);
      assert.equal(changed.user.updatedAt, later);
      assert.equal((await selectPasswordHash(db, 'bob'))?.passwordHash, 'scrypt$new');
      assert.deepEqual(await updateUser(db, 'alice', { role: 'viewer', at: later }), { ok: false, reason: 'last-admin' });
      assert.deepEqual(await updateUser(db, 'nobody', { role: 'viewer', at: later }), { ok: false, reason: 'not-found' });
      const promoted = await updateUser(db, 'bob', { role: 'admin', at: later });
      assert.ok(promoted.ok && promoted.user.role === 'admin');
      const demoted = await updateUser(db, 'alice', { role: 'viewer', at: later });
      assert.ok(demoted.ok && demoted.user.role === 'viewer', 'with bob an admin, alice may step down');
      assert.deepEqual(await countUsers(db), { total: 2, admins: 1 });
    });

    void test('deleteUser removes a user; the last admin stays', async () => {
      const { db } = testDb;
      assert.deepEqual(await deleteUser(db, 'bob'), { ok: false, reason: 'last-admin' });
      assert.deepEqual(await deleteUser(db, 'alice'), { ok: true });
      assert.deepEqual(await deleteUser(db, 'alice'), { ok: false, reason: 'not-found' });
      assert.deepEqual((await listUsers(db)).map((u) => u.name), ['bob']);
    });
  });
}

void describe('user accounts on postgres, concurrently', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(async () => testDb?.close());

  void test('two admins demoting each other at once leave one admin, without a deadlock', async () => {
    const { db } = testDb;
    // Several rounds: one round's two transactions may happen not to overlap (a pool's second
    // connection is still opening); most rounds do.
    for (let round = 0; round < 10; round++) {
      await db.deleteFrom('users').execute();
      await insertUser(db, { name: 'a1', role: 'admin', passwordHash: 'x' });
      await insertUser(db, { name: 'a2', role: 'admin', passwordHash: 'x' });
      const results = await Promise.all([updateUser(db, 'a1', { role: 'viewer', at: Date.now() }), updateUser(db, 'a2', { role: 'viewer', at: Date.now() })]);
      assert.deepEqual(results.map((r) => r.ok).sort(), [false, true], `round ${round}`);
      assert.equal((await countUsers(db)).admins, 1, `round ${round}`);
    }
  });

  void test('two admins deleting each other at once leave one admin, without a deadlock', async () => {
    const { db } = testDb;
    for (let round = 0; round < 10; round++) {
      await db.deleteFrom('users').execute();
      await insertUser(db, { name: 'a1', role: 'admin', passwordHash: 'x' });
      await insertUser(db, { name: 'a2', role: 'admin', passwordHash: 'x' });
      const results = await Promise.all([deleteUser(db, 'a1'), deleteUser(db, 'a2')]);
      assert.deepEqual(results.map((r) => r.ok).sort(), [false, true], `round ${round}`);
      assert.deepEqual(await countUsers(db), { total: 1, admins: 1 }, `round ${round}`);
    }
  });
});
