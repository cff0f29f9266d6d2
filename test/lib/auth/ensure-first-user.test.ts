import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureFirstUser, FIRST_USER_NAME, firstUserNotice } from '../../../lib/auth/ensure-first-user.ts';
import { verifyPassword } from '../../../lib/auth/password-hash.ts';
import { listUsers, selectPasswordHash } from '../../../lib/db/queries/user-accounts.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

void describe('ensureFirstUser', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('pglite');
  });
  after(async () => testDb?.close());

  void test('with no users it creates the admin "admin" with a generated password, once', async () => {
    const first = await ensureFirstUser(testDb.db);
    assert.equal(first?.name, FIRST_USER_NAME);
    assert.match(first?.password ?? '', /^[A-Za-z2-9]{20}$/);
    const stored = await selectPasswordHash(testDb.db, 'admin');
    assert.equal(stored?.role, 'admin');
    assert.equal(await verifyPassword(first?.password ?? '', stored?.passwordHash ?? ''), true);
    assert.equal(await ensureFirstUser(testDb.db), null, 'a second start creates nothing and shows nothing');
    assert.equal((await listUsers(testDb.db)).length, 1);
  });

  void test('the notice names user and password, where to log in, and how to change it', () => {
    const text = firstUserNotice({ name: 'admin', password: 'Pw23456789abcdefghjk' }, 'http://127.0.0.1:8080');
    assert.match(text, /Vigil created the first user: admin \/ Pw23456789abcdefghjk\n/);
    assert.match(text, /Log in at http:\/\/127\.0\.0\.1:8080 with it\. This password is not shown again\./);
    assert.match(text, /vigil user passwd admin --password-stdin/);
  });
});
