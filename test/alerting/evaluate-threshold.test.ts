import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertRule } from '../../lib/alerting/alerts-config.ts';
import { evaluateThreshold, INITIAL_THRESHOLD_STATE } from '../../lib/alerting/evaluate-threshold.ts';
import type { ThresholdState } from '../../lib/alerting/evaluate-threshold.ts';

const cpu: AlertRule = {
  name: 'cpu_busy', kind: 'threshold', metric: 'cpuBusyPct', levels: { warning: 80, critical: 95 }, recoverAt: 75, forMs: 120_000, summary: 'CPU busy', unit: '%',
};

/** Runs values 10 s apart from t=0 and returns what each step published. */
function run(rule: AlertRule, values: Array<number | null>): Array<Array<{ state: string; severity: string; value: number | null }>> {
  let state: ThresholdState = INITIAL_THRESHOLD_STATE;
  return values.map((value, i) => {
    const out = evaluateThreshold(state, value, rule, { host: 'h', labels: {}, now: i * 10_000 });
    state = out.state;
    return out.events.map((e) => ({ state: e.state, severity: e.severity, value: e.value }));
  });
}

void test('pending at once, firing only once the level is held for `for`', () => {
  // 13 polls above 80 (0..120 s): pending at the first, fires at the 13th, when 120 s have passed.
  const steps = run(cpu, Array(14).fill(85));
  assert.deepEqual(steps[0], [{ state: 'pending', severity: 'warning', value: 85 }]);
  assert.deepEqual(steps.slice(1, 12).flat(), [], 'one pending event, not one per poll');
  assert.deepEqual(steps[12], [{ state: 'firing', severity: 'warning', value: 85 }]);
  assert.deepEqual(steps[13], []);
});

void test('a dip below the level restarts the `for` clock: the pending alert clears, and a new one begins', () => {
  const steps = run(cpu, [...Array(10).fill(85), 70, ...Array(12).fill(85)]);
  const published = steps.flatMap((events, i) => events.map((e) => ({ i, state: e.state })));
  assert.deepEqual(published, [{ i: 0, state: 'pending' }, { i: 10, state: 'resolved' }, { i: 11, state: 'pending' }]);
});

void test('the pending event starts when the breach did, and the firing one keeps that start', () => {
  let state: ThresholdState = INITIAL_THRESHOLD_STATE;
  const events = [];
  for (let i = 0; i < 13; i++) {
    const out = evaluateThreshold(state, 85, cpu, { host: 'h', labels: {}, now: 5000 + i * 10_000 });
    state = out.state;
    events.push(...out.events);
  }
  assert.deepEqual(events.map((e) => [e.state, e.startsAt, e.threshold]), [['pending', 5000, 80], ['firing', 5000, 80]]);
  assert.equal(events[0]?.summary, 'CPU busy 85 % > 80 % for 2m');
  assert.equal(state.pending, null, 'firing ends the pending state');
});

void test('without `for` there is no pending state: a breach fires at once', () => {
  assert.deepEqual(run({ ...cpu, forMs: 0 }, [85, 85]).map((events) => events.map((e) => e.state)), [['firing'], []]);
});

void test('hysteresis: resolves only back past recover_at, and escalates to critical', () => {
  const values = [...Array(13).fill(85), 78, 79, ...Array(13).fill(97), 90, 76, 74];
  const steps = run(cpu, values);
  const published = steps.flatMap((events, i) => events.map((e) => ({ i, ...e })));
  assert.deepEqual(published, [
    { i: 0, state: 'pending', severity: 'warning', value: 85 },
    { i: 12, state: 'firing', severity: 'warning', value: 85 },
    { i: 27, state: 'firing', severity: 'critical', value: 97 },
    { i: 30, state: 'resolved', severity: 'critical', value: 74 },
  ]);
});

void test('a sample without the metric neither fires nor resolves', () => {
  const rule = { ...cpu, forMs: 0 };
  assert.deepEqual(run(rule, [99, null, null, 10]).map((events) => events.map((e) => e.state)), [['firing'], [], [], ['resolved']]);
});

void test("direction below, and the event's fields", () => {
  const rule: AlertRule = { name: 'free', kind: 'threshold', metric: 'x', direction: 'below', levels: { critical: 5 }, summary: 'Free', unit: '%' };
  const out = evaluateThreshold(INITIAL_THRESHOLD_STATE, 3, rule, { host: 'db1', labels: { mount: '/data' }, now: 1000 });
  assert.deepEqual(out.events, [{
    key: 'free|db1|mount=/data', rule: 'free', host: 'db1', labels: { mount: '/data' }, state: 'firing', severity: 'critical',
    value: 3, threshold: 5, summary: 'Free /data 3 % < 5 %', startsAt: 1000, at: 1000, receivers: [],
  }]);
});
