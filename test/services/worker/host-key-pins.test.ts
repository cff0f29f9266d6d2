import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHostKeyPins } from '../../../services/worker/host-key-pins.ts';

void test('the first key seen for a host is trusted and pinned; a different one is refused', () => {
  const verify = createHostKeyPins();
  const first = Buffer.from('key-one');
  assert.equal(verify('[10.0.0.1]:22', first), true);
  assert.equal(verify('[10.0.0.1]:22', Buffer.from('key-one')), true);
  assert.equal(verify('[10.0.0.1]:22', Buffer.from('key-two')), false);
  // The refusal does not replace the pin.
  assert.equal(verify('[10.0.0.1]:22', first), true);
});

void test('pins are per host and port', () => {
  const verify = createHostKeyPins();
  assert.equal(verify('[10.0.0.1]:22', Buffer.from('a')), true);
  assert.equal(verify('[10.0.0.1]:2222', Buffer.from('b')), true);
  assert.equal(verify('[10.0.0.2]:22', Buffer.from('c')), true);
  assert.equal(verify('[10.0.0.1]:2222', Buffer.from('a')), false);
});
