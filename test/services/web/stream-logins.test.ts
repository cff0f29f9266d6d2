import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_IDLE_MS } from '../../../lib/auth/session-policy.ts';
import { deleteApiToken, insertApiToken } from '../../../lib/db/queries/api-tokens.ts';
import { insertSession } from '../../../lib/db/queries/sessions.ts';
import { deleteUser, insertUser } from '../../../lib/db/queries/user-accounts.ts';
import { selectEndedLogins, type StreamLogin } from '../../../services/web/stream-logins.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const T0 = Date.parse('2025-05-01T00:00:00.000Z');

void describe('selectEndedLogins', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('pglite');
  });
  after(async () => testDb?.close());

  void test('names the sessions and tokens that no longer let anyone in, among many streams', async () => {
    const { db } = testDb;
    await insertUser(db, { name: 'ann', role: 'viewer', passwordHash: 'x' });
    await insertUser(db, { name: 'bob', role: 'viewer', passwordHash: 'x' });
    await insertSession(db, { idHash: 'ann-old', userName: 'ann', csrfToken: 'c', at: T0 });
    await insertSession(db, { idHash: 'ann-new', userName: 'ann', csrfToken: 'c', at: T0 + SESSION_IDLE_MS });
    await insertSession(db, { idHash: 'bob-1', userName: 'bob', csrfToken: 'c', at: T0 + SESSION_IDLE_MS });
    const kept = await insertApiToken(db, { tokenHash: 'kept', name: 'k', userName: 'ann', at: T0, expiresAt: null });
    const revoked = await insertApiToken(db, { tokenHash: 'revoked', name: 'r', userName: 'ann', at: T0, expiresAt: null });
    const bobs = await insertApiToken(db, { tokenHash: 'bobs', name: 'b', userName: 'bob', at: T0, expiresAt: null });
    await deleteApiToken(db, revoked.id);

    const logins: StreamLogin[] = [
      { kind: 'session', idHash: 'ann-old' },
      { kind: 'session', idHash: 'ann-new' },
      // Two streams of one session: both end, or neither.
      { kind: 'session', idHash: 'ann-new' },
      { kind: 'session', idHash: 'bob-1' },
      { kind: 'session', idHash: 'never-existed' },
      { kind: 'token', id: kept.id },
      { kind: 'token', id: revoked.id },
      { kind: 'token', id: bobs.id },
    ];
    const named = (ended: Set<StreamLogin>): string[] => logins.filter((login) => ended.has(login)).map((login) => (login.kind === 'session' ? login.idHash : `token ${login.id}`));

    // ann-old has been idle for 12 hours; the others are fresh.
    assert.deepEqual(named(await selectEndedLogins(db, logins, T0 + SESSION_IDLE_MS + 1000)), ['ann-old', 'never-existed', `token ${revoked.id}`]);
    // A deleted user takes their sessions and tokens along.
    await deleteUser(db, 'bob');
    assert.deepEqual(named(await selectEndedLogins(db, logins, T0 + SESSION_IDLE_MS + 1000)), ['ann-old', 'bob-1', 'never-existed', `token ${revoked.id}`, `token ${bobs.id}`]);
    assert.equal((await selectEndedLogins(db, [], T0)).size, 0);
  });
});
