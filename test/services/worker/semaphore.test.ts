import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSemaphore } from '../../../services/worker/semaphore.ts';

void test('holds at most `limit`; a release hands the slot to the oldest waiter; double release is harmless', async () => {
  const sem = createSemaphore(1);
  const first = await sem.acquire();
  const order: string[] = [];
  const second = sem.acquire().then((r) => (order.push('second'), r));
  const third = sem.acquire().then((r) => (order.push('third'), r));
  assert.equal(sem.waiting, 2);
  first();
  first();
  const releaseSecond = await second;
  assert.deepEqual(order, ['second']);
  assert.equal(sem.held, 1);
  releaseSecond();
  (await third)();
  assert.equal(sem.held, 0);
  assert.throws(() => createSemaphore(0), RangeError);
});
