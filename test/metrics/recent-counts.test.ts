import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRecentCounter } from '../../lib/metrics/recent-counts.ts';

void test('each call gives how much each counter grew since the previous one, over its span', () => {
  let clock = 1_000_000;
  const recent = createRecentCounter<{ published: number; lost: number }>(() => clock);
  clock += 15_000;
  assert.deepEqual(recent({ published: 3000, lost: 0 }), { seconds: 15, published: 3000, lost: 0 });
  clock += 14_960;
  assert.deepEqual(recent({ published: 5000, lost: 700 }), { seconds: 15, published: 2000, lost: 700 });
  clock += 5000;
  assert.deepEqual(recent({ published: 5000, lost: 700 }), { seconds: 5, published: 0, lost: 0 });
});

void test('a counter lower than before (another scheduler took over) counts every counter from zero', () => {
  let clock = 0;
  const recent = createRecentCounter<{ published: number; lost: number }>(() => clock);
  clock += 10_000;
  recent({ published: 9000, lost: 50 });
  clock += 10_000;
  assert.deepEqual(recent({ published: 1200, lost: 60 }), { seconds: 10, published: 1200, lost: 60 });
});
