import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from '../../../lib/auth/login-limiter.ts';

const WINDOW = 15 * 60_000;

void describe('LoginLimiter', () => {
  void test('the defaults are 5 failures per name and address and 50 per address in 15 minutes', () => {
    assert.deepEqual(DEFAULT_LOGIN_LIMITS, { perNameAndIp: 5, perIp: 50, windowMs: WINDOW });
  });

  void test('after 5 failures for one name from one address, that pair waits until the oldest failure leaves the window', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(DEFAULT_LOGIN_LIMITS, () => now);
    for (let i = 0; i < 5; i++) {
      assert.equal(limiter.retryAfterMs('alice', '10.0.0.1'), 0, `attempt ${i + 1} is allowed`);
      limiter.recordFailure('alice', '10.0.0.1');
      now += 1000;
    }
    // Failures at 1_000_000 … 1_004_000; now = 1_005_000.
    assert.equal(limiter.retryAfterMs('alice', '10.0.0.1'), 1_000_000 + WINDOW - now);
    assert.equal(limiter.retryAfterMs('alice', '10.0.0.2'), 0, 'another address is not blocked');
    assert.equal(limiter.retryAfterMs('bob', '10.0.0.1'), 0, 'another name from that address is not blocked');
    now = 1_000_000 + WINDOW + 1;
    assert.equal(limiter.retryAfterMs('alice', '10.0.0.1'), 0, 'the oldest failure has left the window');
  });

  void test('a success clears the name\'s failures from that address, but not the address\'s own count', () => {
    const now = 5_000_000;
    const limiter = new LoginLimiter({ perNameAndIp: 3, perIp: 4, windowMs: WINDOW }, () => now);
    for (let i = 0; i < 3; i++) limiter.recordFailure('alice', '10.0.0.1');
    assert.ok(limiter.retryAfterMs('alice', '10.0.0.1') > 0);
    limiter.recordSuccess('alice', '10.0.0.1');
    assert.equal(limiter.retryAfterMs('alice', '10.0.0.1'), 0);
    limiter.recordFailure('mallory-target', '10.0.0.1');
    assert.ok(limiter.retryAfterMs('anyone', '10.0.0.1') > 0, 'the per-address cap of 4 counts every name');
  });

  void test('the per-address cap stops guessing across many names', () => {
    const now = 0;
    const limiter = new LoginLimiter({ perNameAndIp: 5, perIp: 10, windowMs: WINDOW }, () => now + 1);
    for (let i = 0; i < 10; i++) {
      assert.equal(limiter.retryAfterMs(`user${i}`, '192.0.2.7'), 0);
      limiter.recordFailure(`user${i}`, '192.0.2.7');
    }
    assert.equal(limiter.retryAfterMs('user99', '192.0.2.7'), WINDOW);
    assert.equal(limiter.retryAfterMs('user99', '192.0.2.8'), 0);
  });
});
