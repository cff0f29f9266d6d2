import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_TOKEN_PREFIX, generatePassword, newApiToken, randomSecret, secretsEqual, sha256Hex } from '../../../lib/auth/secrets.ts';

void describe('secrets', () => {
  void test('random secrets carry 256 bits in URL-safe base64 and do not repeat', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => randomSecret()));
    assert.equal(secrets.size, 200);
    for (const secret of secrets) {
      assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(secret, 'base64url').length, 32);
    }
  });

  void test('API tokens start with vigil_ and are what VIGIL_API_TOKEN accepts', () => {
    const token = newApiToken();
    assert.ok(token.startsWith(API_TOKEN_PREFIX));
    assert.match(token, /^vigil_[A-Za-z0-9_-]{43}$/);
  });

  void test('sha256Hex is the standard digest (what the database keeps of a token)', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  void test('secretsEqual is plain equality, for any lengths', () => {
    assert.equal(secretsEqual('abc', 'abc'), true);
    assert.equal(secretsEqual('abc', 'abd'), false);
    assert.equal(secretsEqual('abc', 'abcd'), false);
    assert.equal(secretsEqual('', ''), true);
  });

  void test('generated passwords have 20 characters without look-alikes (0/O, 1/l/I), and every allowed one appears', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const password = generatePassword();
      assert.equal(password.length, 20);
      assert.doesNotMatch(password, /[01OoIil]/);
      for (const c of password) seen.add(c);
    }
    assert.equal(seen.size, 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'.length);
  });
});
