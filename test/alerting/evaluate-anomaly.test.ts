import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertRule } from '../../lib/alerting/alerts-config.ts';
import { evaluateAnomaly, INITIAL_ANOMALY_STATE } from '../../lib/alerting/evaluate-anomaly.ts';
import type { AnomalyState } from '../../lib/alerting/evaluate-anomaly.ts';

const rule: AlertRule = { name: 'cpu_odd', kind: 'anomaly', metric: 'cpuBusyPct', k: 3, windowMs: 86_400_000, summary: 'CPU busy', unit: '%' };
const MINUTE = 60_000;

/** A day of values around 20 ± 2, one a minute. */
function baseline(): { state: AnomalyState; now: number } {
  let state = INITIAL_ANOMALY_STATE;
  let now = 0;
  for (let i = 0; i < 1440; i++) {
    now = i * MINUTE;
    const out = evaluateAnomaly(state, 20 + 2 * Math.sin(i / 7), rule, { host: 'h', labels: {}, now });
    assert.deepEqual(out.events, [], `no alert while learning or within the baseline (minute ${i})`);
    state = out.state;
  }
  return { state, now };
}

void test('a value k standard deviations off its baseline fires; back within resolves', () => {
  const { state, now } = baseline();
  const spike = evaluateAnomaly(state, 60, rule, { host: 'h', labels: {}, now: now + MINUTE });
  assert.equal(spike.events.length, 1);
  const [event] = spike.events;
  assert.equal(event?.state, 'firing');
  assert.ok((event?.value ?? 0) > 3, `z = ${event?.value}`);
  assert.match(event?.summary ?? '', /^CPU busy 60 % is [\d.]+σ from its 1d mean 2\d/);
  const back = evaluateAnomaly(spike.state, 21, rule, { host: 'h', labels: {}, now: now + 2 * MINUTE });
  assert.deepEqual(back.events.map((e) => e.state), ['resolved']);
});

void test('memory stays bounded: old buckets leave the window', () => {
  const { state } = baseline();
  assert.ok(state.buckets.length <= 289, `${state.buckets.length} buckets`);
  let later = state;
  for (let i = 0; i < 200; i++) later = evaluateAnomaly(later, 20, rule, { host: 'h', labels: {}, now: 3 * 86_400_000 + i * MINUTE }).state;
  assert.ok(later.buckets.every((b) => b.start > 3 * 86_400_000 - 86_400_000));
});

void test('no alert before there is a baseline', () => {
  let state = INITIAL_ANOMALY_STATE;
  for (let i = 0; i < 20; i++) {
    const out = evaluateAnomaly(state, i % 2 === 0 ? 1 : 1000, rule, { host: 'h', labels: {}, now: i * MINUTE });
    assert.deepEqual(out.events, []);
    state = out.state;
  }
});
