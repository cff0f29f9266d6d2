import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cappedBackoffMs } from '../../lib/capped-backoff.ts';

void test('cappedBackoffMs doubles the base per failure up to the cap; no doubling below 0, none past 30', () => {
  assert.deepEqual([-1, 0, 1, 2, 3, 4, 5].map((n) => cappedBackoffMs(100, 1_000, n)), [100, 100, 200, 400, 800, 1_000, 1_000]);
  assert.equal(cappedBackoffMs(1, Infinity, 1_000), 2 ** 30);
});
