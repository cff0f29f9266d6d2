import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SCRYPT, hashPassword, verifyAgainstDecoy, verifyPassword } from '../../../lib/auth/password-hash.ts';

void describe('password hashes', () => {
  void test('a hash is scrypt with its parameters, a 16-byte salt and a 32-byte key; it verifies its password only', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const [scheme, N, r, p, salt, key] = stored.split('$');
    assert.equal(scheme, 'scrypt');
    assert.deepEqual([Number(N), Number(r), Number(p)], [DEFAULT_SCRYPT.N, DEFAULT_SCRYPT.r, DEFAULT_SCRYPT.p]);
    assert.equal(Buffer.from(salt ?? '', 'base64').length, 16);
    assert.equal(Buffer.from(key ?? '', 'base64').length, 32);
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  void test('the same password hashes differently each time (a random salt per hash)', async () => {
    const [a, b] = [await hashPassword('same'), await hashPassword('same')];
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same', a), true);
    assert.equal(await verifyPassword('same', b), true);
  });

  void test('the parameters stored with a hash are the ones used to check it', async () => {
    const cheap = await hashPassword('pw-cheap', { N: 1024, r: 8, p: 1 });
    assert.match(cheap, /^scrypt\$1024\$8\$1\$/);
    assert.equal(await verifyPassword('pw-cheap', cheap), true);
    assert.equal(await verifyPassword('pw-cheap', cheap.replace('$1024$', '$2048$')), false);
  });

  void test('unicode passwords are compared in one normal form (é typed two ways is one password)', async () => {
    const stored = await hashPassword('caf\u00e9-pass');
    assert.equal(await verifyPassword('cafe\u0301-pass', stored), true);
  });

  void test('a malformed or absurd stored hash never verifies and never throws', async () => {
    const good = await hashPassword('pw', { N: 1024, r: 8, p: 1 });
    const [, , , , salt, key] = good.split('$');
    for (const stored of ['', 'plain', 'bcrypt$x', `scrypt$1000$8$1$${salt}$${key}`, `scrypt$${2 ** 24}$8$1$${salt}$${key}`, `scrypt$1024$0$1$${salt}$${key}`, `scrypt$1024$8$1$$${key}`, `scrypt$1024$8$1$${salt}$`]) {
      assert.equal(await verifyPassword('pw', stored), false, stored);
    }
  });

  void test('the decoy check for unknown names always says no', async () => {
    assert.equal(await verifyAgainstDecoy('anything'), false);
    assert.equal(await verifyAgainstDecoy(''), false);
  });
});
