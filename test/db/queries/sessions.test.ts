import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deleteExpiredSessions, deleteSession, deleteUserSessions, insertSession, selectLiveSession, selectLiveSessionHashes, touchSession } from '../../../lib/db/queries/sessions.ts';
import { deleteUser, insertUser, updateUser } from '../../../lib/db/queries/user-accounts.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const HOUR = 3_600_000;
const LIMITS = { idleMs: 12 * HOUR, absoluteMs: 7 * 24 * HOUR };
const T0 = Date.parse('2025-05-01T00:00:00.000Z');

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`sessions on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await insertUser(testDb.db, { name: 'alice', role: 'viewer', passwordHash: 'x' });
      await insertUser(testDb.db, { name: 'root', role: 'admin', passwordHash: 'x' });
    });
    after(async () => testDb?.close());

    void test('a session is found by its hash with the user\'s current role, until it has been idle 12 h', async () => {
      const { db } = testDb;
      await insertSession(db, { idHash: 'h1', userName: 'alice', csrfToken: 'csrf-1', at: T0 });
      const live = await selectLiveSession(db, 'h1', { now: T0 + HOUR, ...LIMITS });
      assert.deepEqual(live, { idHash: 'h1', user: { name: 'alice', role: 'viewer' }, csrfToken: 'csrf-1', createdAt: T0, lastSeenAt: T0 });
      assert.equal(await selectLiveSession(db, 'other', { now: T0 + HOUR, ...LIMITS }), null);
      assert.equal(await selectLiveSession(db, 'h1', { now: T0 + 12 * HOUR, ...LIMITS }), null, 'idle for 12 h');

      await updateUser(db, 'alice', { role: 'admin', at: T0 });
      assert.equal((await selectLiveSession(db, 'h1', { now: T0 + HOUR, ...LIMITS }))?.user.role, 'admin', 'a role change applies at once');
      await updateUser(db, 'alice', { role: 'viewer', at: T0 });
    });

    void test('touching slides the idle limit, but never past 7 days from the login', async () => {
      const { db } = testDb;
      await insertSession(db, { idHash: 'h2', userName: 'alice', csrfToken: 'c', at: T0 });
      let at = T0;
      // A request every 11 hours keeps it alive for 7 days (15 requests)...
      while (at + 11 * HOUR - T0 < LIMITS.absoluteMs) {
        at += 11 * HOUR;
        assert.ok(await selectLiveSession(db, 'h2', { now: at, ...LIMITS }), `alive ${(at - T0) / HOUR} h after the login`);
        await touchSession(db, 'h2', at);
      }
      // ...and not one request longer.
      at += 11 * HOUR;
      assert.ok(at - T0 >= LIMITS.absoluteMs);
      assert.equal(await selectLiveSession(db, 'h2', { now: at, ...LIMITS }), null, 'past the absolute limit');
      await touchSession(db, 'h2', T0);
      const row = await db.selectFrom('sessions').select('last_seen_at').where('id_hash', '=', 'h2').executeTakeFirstOrThrow();
      assert.equal(row.last_seen_at.getTime(), at - 11 * HOUR, 'an older touch does not move it back');
    });

    void test('logout deletes one session; a password change all of a user\'s but the one kept', async () => {
      const { db } = testDb;
      for (const hash of ['a', 'b', 'c']) await insertSession(db, { idHash: hash, userName: 'root', csrfToken: 'c', at: T0 });
      await deleteSession(db, 'a');
      assert.equal(await selectLiveSession(db, 'a', { now: T0, ...LIMITS }), null);
      assert.equal(await deleteUserSessions(db, 'root', 'b'), 1);
      assert.ok(await selectLiveSession(db, 'b', { now: T0 + 1, ...LIMITS }));
      assert.equal(await deleteUserSessions(db, 'root'), 1);
      assert.equal(await selectLiveSession(db, 'b', { now: T0 + 1, ...LIMITS }), null);
    });

    void test('selectLiveSessionHashes keeps the live ones of many hashes, by the same limits', async () => {
      const { db } = testDb;
      await insertSession(db, { idHash: 'many-1', userName: 'alice', csrfToken: 'c', at: T0 });
      await insertSession(db, { idHash: 'many-2', userName: 'alice', csrfToken: 'c', at: T0 + 10 * HOUR });
      const asked = ['many-1', 'many-2', 'never-was'];
      assert.deepEqual([...(await selectLiveSessionHashes(db, asked, { now: T0 + HOUR, ...LIMITS }))].sort(), ['many-1', 'many-2']);
      assert.deepEqual([...(await selectLiveSessionHashes(db, asked, { now: T0 + 12 * HOUR, ...LIMITS }))], ['many-2'], 'many-1 idle for 12 h');
      await deleteSession(db, 'many-2');
      assert.deepEqual([...(await selectLiveSessionHashes(db, asked, { now: T0 + 12 * HOUR, ...LIMITS }))], []);
      assert.deepEqual([...(await selectLiveSessionHashes(db, [], { now: T0, ...LIMITS }))], []);
    });

    void test('expired sessions are purged; deleting a user deletes their sessions', async () => {
      const { db } = testDb;
      await insertSession(db, { idHash: 'fresh', userName: 'root', csrfToken: 'c', at: T0 + 190 * HOUR });
      const purged = await deleteExpiredSessions(db, { now: T0 + 200 * HOUR, ...LIMITS });
      assert.ok(purged >= 1);
      const left = await db.selectFrom('sessions').select('id_hash').execute();
      assert.deepEqual(left.map((r) => r.id_hash), ['fresh']);
      await insertUser(db, { name: 'temp', role: 'viewer', passwordHash: 'x' });
      await insertSession(db, { idHash: 'temp-session', userName: 'temp', csrfToken: 'c', at: T0 });
      await deleteUser(db, 'temp');
      assert.equal((await db.selectFrom('sessions').select('id_hash').where('id_hash', '=', 'temp-session').execute()).length, 0);
    });
  });
}
