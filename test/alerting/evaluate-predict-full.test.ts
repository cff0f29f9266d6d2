import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertRule } from '../../lib/alerting/alerts-config.ts';
import { evaluatePredictFull, INITIAL_PREDICT_FULL_STATE } from '../../lib/alerting/evaluate-predict-full.ts';
import type { PredictFullState } from '../../lib/alerting/evaluate-predict-full.ts';

const rule: AlertRule = { name: 'fs_full_soon', kind: 'predict-full', hours: 24, windowMs: 6 * 3_600_000, summary: 'Filesystem full within' };
const GB = 1e9;
const MINUTE = 60_000;
const SIZE = 100 * GB;

/** Minutes of a filesystem growing by `rate` bytes a minute from `start` bytes used. */
function grow(state: PredictFullState, fromMinute: number, minutes: number, start: number, rate: number): { state: PredictFullState; events: string[] } {
  const events: string[] = [];
  for (let m = 0; m < minutes; m++) {
    const used = start + rate * m;
    const out = evaluatePredictFull(state, { usedBytes: used, availableBytes: SIZE - used }, rule, { host: 'h', labels: { mount: '/data' }, now: (fromMinute + m) * MINUTE });
    state = out.state;
    events.push(...out.events.map((e) => `${fromMinute + m} ${e.state} ${e.value}`));
  }
  return { state, events };
}

void test('fires when the fill rate reaches full within the horizon, and resolves when filling stops', () => {
  // 50 GB free, filling 50 MB a minute: full in 1000 minutes, about 16.7 h (< 24 h).
  const filling = grow(INITIAL_PREDICT_FULL_STATE, 0, 120, 50 * GB, 50e6);
  assert.equal(filling.events.length, 1);
  const [minute, state, hours] = (filling.events[0] as string).split(' ');
  // The fit needs a span of data (30 min) before it may speak.
  assert.equal(Number(minute), 30, filling.events[0]);
  assert.equal(state, 'firing');
  assert.ok(Math.abs(Number(hours) - (50 * GB - 50e6 * 30) / 50e6 / 60) < 0.5, filling.events[0]);
  // Flat from now on: the slope over the window falls as flat points come in, and it resolves.
  const flat = grow(filling.state, 120, 360, 50 * GB + 50e6 * 119, 0);
  assert.equal(flat.events.length, 1);
  assert.match(flat.events[0] as string, /resolved/);
});

void test('a slow fill does not fire, nor does a filesystem being emptied', () => {
  // 50 GB free at 1 MB a minute: 833 h.
  assert.deepEqual(grow(INITIAL_PREDICT_FULL_STATE, 0, 300, 50 * GB, 1e6).events, []);
  assert.deepEqual(grow(INITIAL_PREDICT_FULL_STATE, 0, 300, 90 * GB, -50e6).events, []);
});

void test('points are thinned, so memory stays bounded', () => {
  let state = INITIAL_PREDICT_FULL_STATE;
  for (let s = 0; s < 6 * 3600; s += 5) {
    state = evaluatePredictFull(state, { usedBytes: GB, availableBytes: 99 * GB }, rule, { host: 'h', labels: {}, now: s * 1000 }).state;
  }
  assert.ok(state.points.length <= 361, `${state.points.length} points`);
});
