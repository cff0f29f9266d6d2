import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import { EventStamps } from '../../lib/alerting/event-stamps.ts';

function event(key: string, state: AlertEvent['state'], at: number): AlertEvent {
  return { key, rule: 'cpu_busy', host: key, labels: {}, state, severity: 'warning', summary: 'CPU busy', value: 90, threshold: 80, startsAt: 1000, at, receivers: [] };
}

void test('an event older than the last one stamped for its alert moves 1 ms past it; others keep their time', () => {
  const stamps = new EventStamps();
  assert.deepEqual(stamps.stamp([event('a', 'firing', 1000), event('b', 'firing', 1000)]).map((e) => e.at), [1000, 1000]);
  // A tick re-publishes a at 5000; then a late result resolves it with its sample's time, 2000.
  assert.deepEqual(stamps.stamp([event('a', 'firing', 5000)]).map((e) => e.at), [5000]);
  assert.deepEqual(stamps.stamp([event('a', 'resolved', 2000), event('b', 'resolved', 2000)]).map((e) => e.at), [5001, 2000]);
});

void test('after a resolution the next occurrence is stamped by its own time', () => {
  const stamps = new EventStamps();
  stamps.stamp([event('a', 'firing', 5000), event('a', 'resolved', 4000)]);
  assert.deepEqual(stamps.stamp([event('a', 'pending', 3000)]).map((e) => e.at), [3000]);
});

void test('the events given are not changed', () => {
  const stamps = new EventStamps();
  stamps.stamp([event('a', 'firing', 5000)]);
  const late = event('a', 'resolved', 2000);
  stamps.stamp([late]);
  assert.equal(late.at, 2000);
});
