import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPersistent } from '../../lib/bus/amqp-topology.ts';
import { TOPIC_DELIVERY } from '../../lib/bus/message-bus.ts';
import { isPollDone, pollDoneOf } from '../../lib/bus/poll-done.ts';
import { pollResult } from './bus-contract.ts';

void test('a completion notice carries only the host and seq of its result', () => {
  assert.deepEqual(pollDoneOf(pollResult('web-1', 7)), { host: 'web-1', seq: 7 });
});

void test('a completion notice from the bus is checked before it is trusted', () => {
  assert.equal(isPollDone({ host: 'web-1', seq: 7 }), true);
  for (const bad of [null, 'web-1', [], {}, { host: 'web-1' }, { seq: 7 }, { host: 1, seq: 7 }, { host: 'web-1', seq: '7' }, { host: 'web-1', seq: 1.5 }]) {
    assert.equal(isPollDone(bad), false, JSON.stringify(bad));
  }
});

void test('completion notices fan out and are not written to the broker disk', () => {
  assert.equal(TOPIC_DELIVERY['poll.done'], 'fanout');
  assert.equal(isPersistent('poll.done'), false);
  assert.equal(isPersistent('poll.results'), true);
});
