import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefreshCoalescer } from '../../web/src/refresh-coalescer.ts';
import { waitFor } from '../support/wait-for.ts';

void test('a burst of requests runs once at once, then once more no sooner than the gap', async () => {
  const starts: number[] = [];
  const coalescer = new RefreshCoalescer(async () => {
    starts.push(Date.now());
  }, 200);
  for (let i = 0; i < 10; i++) coalescer.request();
  await waitFor('the first run', 1000, () => (starts.length === 1 ? true : undefined), 5);
  for (let i = 0; i < 10; i++) coalescer.request();
  await waitFor('the second run', 2000, () => (starts.length === 2 ? true : undefined), 5);
  assert.ok(starts[1]! - starts[0]! >= 195, `runs ${starts[1]! - starts[0]!} ms apart`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(starts.length, 2, 'no run without a request');
  coalescer.stop();
});

void test('never two at once; a request during a run gets one more run after it, spaced by twice its length', async () => {
  let running = 0;
  let most = 0;
  const ends: number[] = [];
  const starts: number[] = [];
  const coalescer = new RefreshCoalescer(async () => {
    starts.push(Date.now());
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 100));
    running--;
    ends.push(Date.now());
  }, 10);
  coalescer.request();
  await waitFor('the run to start', 1000, () => (running === 1 ? true : undefined), 5);
  coalescer.request();
  coalescer.request();
  await waitFor('the second run to end', 3000, () => (ends.length === 2 ? true : undefined), 5);
  assert.equal(most, 1);
  assert.ok(starts[1]! - starts[0]! >= 195, `a 100 ms run spaces the next by 200 ms, got ${starts[1]! - starts[0]!}`);
  coalescer.stop();
});

void test('a failing run does not stop later ones; stop() drops what is waiting', async () => {
  let runs = 0;
  const coalescer = new RefreshCoalescer(async () => {
    runs++;
    throw new Error('server down');
  }, 50);
  coalescer.request();
  await waitFor('the failing run', 1000, () => (runs === 1 ? true : undefined), 5);
  coalescer.request();
  await waitFor('another run', 1000, () => (runs === 2 ? true : undefined), 5);
  coalescer.request();
  coalescer.stop();
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(runs, 2);
});
