import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApiToken, createUser, passwordProblem, userNameProblem } from '../../../lib/auth/create-user.ts';
import { verifyPassword } from '../../../lib/auth/password-hash.ts';
import { sha256Hex } from '../../../lib/auth/secrets.ts';
import { DuplicateUserError, selectPasswordHash } from '../../../lib/db/queries/user-accounts.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

void describe('createUser and createApiToken', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('pglite');
  });
  after(async () => testDb?.close());

  void test('names: letters, digits and . _ @ -, 1 to 64, starting with a letter or digit', () => {
    for (const good of ['a', 'alice', 'ops.team-1', 'jane@example.org', 'x'.repeat(64)]) assert.equal(userNameProblem(good), null, good);
    for (const bad of ['', '-dash', '.dot', 'has space', 'x'.repeat(65), '<b>', 'a/b', 'ünïcode']) assert.notEqual(userNameProblem(bad), null, bad);
  });

  void test('passwords: 8 to 1024 characters', () => {
    assert.match(passwordProblem('1234567') ?? '', /at least 8/);
    assert.equal(passwordProblem('12345678'), null);
    assert.match(passwordProblem('x'.repeat(1025)) ?? '', /at most 1024/);
  });

  void test('createUser stores a scrypt hash of the password; a taken name is a DuplicateUserError', async () => {
    const user = await createUser(testDb.db, { name: 'alice', role: 'admin', password: 'alices-password' });
    assert.deepEqual([user.name, user.role], ['alice', 'admin']);
    const stored = await selectPasswordHash(testDb.db, 'alice');
    assert.match(stored?.passwordHash ?? '', /^scrypt\$/);
    assert.equal(await verifyPassword('alices-password', stored?.passwordHash ?? ''), true);
    await assert.rejects(createUser(testDb.db, { name: 'alice', role: 'viewer', password: 'another-one' }), DuplicateUserError);
    await assert.rejects(createUser(testDb.db, { name: 'bob', role: 'viewer', password: 'short' }), /at least 8/);
    await assert.rejects(createUser(testDb.db, { name: 'b b', role: 'viewer', password: 'long-enough' }), /user name/);
  });

  void test('createApiToken returns the token once and stores its sha256, with the expiry asked for', async () => {
    const now = Date.parse('2025-01-01T00:00:00.000Z');
    const created = await createApiToken(testDb.db, { userName: 'alice', name: 'ci', expiresInDays: 7, now });
    assert.match(created.token, /^vigil_/);
    assert.equal(created.expiresAt, now + 7 * 86_400_000);
    const row = await testDb.db.selectFrom('api_tokens').select(['token_hash', 'name', 'user_name']).where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { token_hash: sha256Hex(created.token), name: 'ci', user_name: 'alice' });
    assert.equal((await createApiToken(testDb.db, { userName: 'alice', name: 'forever', now })).expiresAt, null);
  });
});
