import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs } from '../../../services/worker/connect-backoff.ts';

const policy = { baseMs: 1000, maxMs: 60_000 };

void test('doubles per failure between half and all of the exponential delay, up to the cap', () => {
  assert.equal(backoffDelayMs(1, policy, () => 0), 500);
  assert.equal(backoffDelayMs(1, policy, () => 1), 1000);
  assert.equal(backoffDelayMs(2, policy, () => 1), 2000);
  assert.equal(backoffDelayMs(4, policy, () => 0.5), 6000);
  assert.equal(backoffDelayMs(10, policy, () => 1), 60_000);
  assert.equal(backoffDelayMs(1000, policy, () => 0), 30_000);
});
