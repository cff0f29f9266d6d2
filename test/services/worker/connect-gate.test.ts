import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnectGate } from '../../../services/worker/connect-gate.ts';

void test('no more than maxConcurrent handshakes hold the gate; the next enters when one leaves', async () => {
  const gate = createConnectGate({ ratePerSec: 1000, burst: 100, maxConcurrent: 2 });
  const entered: number[] = [];
  const leaves: Array<() => void> = [];
  const all = [0, 1, 2, 3].map((i) => gate.enter().then((leave) => {
    entered.push(i);
    leaves.push(leave);
  }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(entered, [0, 1]);
  leaves[0]?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(entered, [0, 1, 2], 'one left, one more in, in arrival order');
  leaves[1]?.();
  leaves[2]?.();
  await Promise.all(all);
  assert.deepEqual(entered, [0, 1, 2, 3]);
  assert.equal(gate.started, 4);
});

void test('after the burst, entries are spaced by the rate, in arrival order', async () => {
  const gate = createConnectGate({ ratePerSec: 20, burst: 3, maxConcurrent: 100 });
  const at: number[] = [];
  const start = performance.now();
  await Promise.all(Array.from({ length: 6 }, async () => {
    const leave = await gate.enter();
    at.push(performance.now() - start);
    leave();
  }));
  // Lower bounds only: a loaded machine delays entries, it cannot hasten them.
  for (let i = 3; i < 6; i++) assert.ok((at[i] as number) >= (i - 2) * 50 - 5, `entry ${i} at ${at[i]} ms`);
});
