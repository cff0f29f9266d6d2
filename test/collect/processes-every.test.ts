import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readProcessesEvery } from '../../lib/collect/processes-every.ts';

const read = (value: unknown): number => readProcessesEvery(value, (message) => {
  throw new Error(message);
});

void test('seconds as a number or numeric text, or a duration with units', () => {
  assert.equal(read(60), 60);
  assert.equal(read(1), 1);
  assert.equal(read(2.5), 2.5);
  assert.equal(read('120'), 120);
  assert.equal(read('45s'), 45);
  assert.equal(read('5m'), 300);
  assert.equal(read('2h'), 7200);
  assert.equal(read('1m30s'), 90);
});

void test('anything else, or less than a second, says what was expected and what it got', () => {
  for (const value of ['', 'often', '5 m', '-5m', 0, 0.5, '500ms', Number.NaN, Number.POSITIVE_INFINITY, null, { every: 60 }]) {
    assert.throws(() => read(value), (err: Error) => {
      assert.match(err.message, /^must be a duration like 60 \(seconds\), 90s, 5m or 1h, at least 1 s, got /);
      assert.ok(err.message.endsWith(JSON.stringify(value) ?? String(value)), err.message);
      return true;
    }, JSON.stringify(value));
  }
});
