import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_SPAN_MS, RANGE_PRESETS, fixedRange, fromLocalInput, presetById, resolveRange, toLocalInput } from '../../web/src/time-range.ts';

void test('presets are 1 h to 90 d and follow the clock; fixed ranges stay put', () => {
  assert.deepEqual(RANGE_PRESETS.map((p) => p.label), ['1 h', '6 h', '24 h', '7 d', '30 d', '90 d']);
  const day = presetById('24h');
  assert.ok(day);
  assert.deepEqual(resolveRange({ kind: 'preset', preset: day }, 100_000_000), { fromMs: 100_000_000 - 86_400_000, toMs: 100_000_000, follows: true });
  assert.deepEqual(resolveRange({ kind: 'fixed', fromMs: 5, toMs: 7 }, 100), { fromMs: 5, toMs: 7, follows: false });
});

void test('fixedRange orders its ends, widens a tiny span, refuses more than 400 days', () => {
  assert.deepEqual(fixedRange(2_000_000, 1_000_000), { kind: 'fixed', fromMs: 1_000_000, toMs: 2_000_000 });
  assert.deepEqual(fixedRange(1_000_000, 1_000_010), { kind: 'fixed', fromMs: 1_000_005 - MIN_SPAN_MS / 2, toMs: 1_000_005 + MIN_SPAN_MS / 2 });
  assert.equal(fixedRange(0, 401 * 86_400_000), null);
  assert.equal(fixedRange(Number.NaN, 1), null);
});

void test('datetime-local values round-trip in local time, to the minute', () => {
  const ms = new Date(2025, 2, 1, 9, 5, 0).getTime();
  assert.equal(toLocalInput(ms), '2025-03-01T09:05');
  assert.equal(fromLocalInput('2025-03-01T09:05'), ms);
  assert.ok(Number.isNaN(fromLocalInput('')));
  assert.ok(Number.isNaN(fromLocalInput('yesterday')));
});
