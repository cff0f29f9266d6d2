import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlertEvent } from '../../../lib/alerting/alert-event.ts';
import type { StoredAlert } from '../../../lib/db/queries/stored-alert.ts';
import { applyAlertEvent, escalateAlert, escalatedReceivers, reviewAlert, type TransitionContext } from '../../../services/alerter/alert-transition.ts';

const T = 1_750_000_000_000;
const ctx = (now: number, over: Partial<TransitionContext> = {}): TransitionContext => ({ now, muted: false, repeatIntervalMs: 4 * 3_600_000, flapWindowMs: 600_000, flapMaxChanges: 4, ...over });

function event(state: AlertEvent['state'], at: number, over: Partial<AlertEvent> = {}): AlertEvent {
  return { key: 'cpu|web-1', rule: 'cpu', host: 'web-1', labels: {}, state, severity: 'critical', value: 99, threshold: 95, summary: 's', startsAt: T, at, receivers: [], ...over };
}

/** Applies events in order, each at its own `at`, and returns every notice. */
function run(events: AlertEvent[], over: Partial<TransitionContext> = {}): { alert: StoredAlert | undefined; notices: string[]; history: string[] } {
  let alert: StoredAlert | undefined;
  const notices: string[] = [];
  const history: string[] = [];
  for (const e of events) {
    const t = applyAlertEvent(alert, e, ctx(e.at, over));
    if (t.alert) alert = t.alert;
    if (t.notice) notices.push(t.notice);
    history.push(...t.history.map((h) => h.event));
  }
  return { alert, notices, history };
}

void describe('alert transitions', () => {
  void test('fire → one notice; republished → none; resolve → one recovery notice', () => {
    const { alert, notices, history } = run([event('firing', T), event('firing', T + 60_000), event('firing', T + 120_000), event('resolved', T + 180_000)]);
    assert.deepEqual(notices, ['firing', 'resolved']);
    assert.deepEqual(history, ['firing', 'resolved']);
    assert.equal(alert?.state, 'resolved');
    assert.equal(alert?.endsAt, T + 180_000);
    assert.equal(alert?.lastEventAt, T + 180_000);
  });

  void test('pending is recorded, never told; firing after it is told once and is not a flapping change', () => {
    const { alert, notices, history } = run([event('pending', T), event('pending', T + 10_000), event('firing', T + 120_000), event('resolved', T + 180_000)]);
    assert.deepEqual(notices, ['firing', 'resolved']);
    assert.deepEqual(history, ['pending', 'firing', 'resolved']);
    assert.equal(alert?.startsAt, T);
    assert.deepEqual(alert?.stateChanges, [T + 180_000], 'only firing → resolved counts');
  });

  void test('a pending alert that clears before it fires is recorded as cleared, without a notice', () => {
    const { alert, notices, history } = run([event('pending', T), event('resolved', T + 30_000)]);
    assert.deepEqual(notices, []);
    assert.deepEqual(history, ['pending', 'cleared']);
    assert.equal(alert?.state, 'resolved');
    assert.equal(alert?.endsAt, T + 30_000);
    assert.deepEqual(alert?.stateChanges, []);
  });

  void test('a pending event for an alert already firing changes nothing', () => {
    const { alert, notices } = run([event('firing', T), event('pending', T + 10_000)]);
    assert.deepEqual(notices, ['firing']);
    assert.equal(alert?.state, 'firing');
  });

  void test('an event older than the last one applied is ignored (redelivery after a newer event)', () => {
    const { alert, notices } = run([event('firing', T), event('resolved', T + 10_000), event('firing', T + 5_000)]);
    assert.deepEqual(notices, ['firing', 'resolved']);
    assert.equal(alert?.state, 'resolved');
  });

  void test('resolved for an unknown alert, or twice, changes nothing', () => {
    assert.equal(applyAlertEvent(undefined, event('resolved', T), ctx(T)).alert, null);
    const { notices } = run([event('firing', T), event('resolved', T + 1000), event('resolved', T + 2000)]);
    assert.deepEqual(notices, ['firing', 'resolved']);
  });

  void test('muted: firing recorded but not told, its recovery not told either', () => {
    const { alert, notices, history } = run([event('firing', T), event('resolved', T + 1000)], { muted: true });
    assert.deepEqual(notices, []);
    assert.deepEqual(history, ['firing', 'resolved']);
    assert.equal(alert?.state, 'resolved');
  });

  void test('told, then muted: the recovery is still told', () => {
    const fired = applyAlertEvent(undefined, event('firing', T), ctx(T));
    const resolvedMuted = applyAlertEvent(fired.alert ?? undefined, event('resolved', T + 1000), ctx(T + 1000, { muted: true }));
    assert.equal(resolvedMuted.notice, 'resolved');
  });

  void test('reminders after repeat_interval, none while acknowledged or muted', () => {
    const fired = applyAlertEvent(undefined, event('firing', T), ctx(T)).alert as StoredAlert;
    const hour = 3_600_000;
    assert.equal(reviewAlert(fired, ctx(T + 4 * hour - 1)).notice, null);
    const reminded = reviewAlert(fired, ctx(T + 4 * hour));
    assert.equal(reminded.notice, 'reminder');
    assert.equal(reminded.alert?.lastNotifiedAt, T + 4 * hour);
    assert.equal(reviewAlert(reminded.alert as StoredAlert, ctx(T + 5 * hour)).notice, null, 'the next one is 4 h after the reminder');
    assert.equal(reviewAlert({ ...fired, ackedBy: 'a', ackedAt: T + 1 }, ctx(T + 9 * hour)).notice, null);
    assert.equal(reviewAlert(fired, ctx(T + 9 * hour, { muted: true })).notice, null);
  });

  void test('a firing alert first seen while muted is told once the mute ends', () => {
    const fired = applyAlertEvent(undefined, event('firing', T), ctx(T, { muted: true })).alert as StoredAlert;
    assert.equal(reviewAlert(fired, ctx(T + 1000, { muted: true })).notice, null);
    const unmuted = reviewAlert(fired, ctx(T + 2000));
    assert.equal(unmuted.notice, 'firing');
    assert.equal(unmuted.alert?.notifiedFiring, true);
  });

  void test('a new occurrence clears the acknowledgement of the last one', () => {
    const { alert } = run([event('firing', T), event('resolved', T + 1000), event('firing', T + 2000)]);
    assert.equal(alert?.ackedBy, null);
    const acked = { ...(alert as StoredAlert), ackedBy: 'alice', ackedAt: T + 2500, ackedComment: 'x' };
    const again = applyAlertEvent(applyAlertEvent(acked, event('resolved', T + 3000), ctx(T + 3000)).alert as StoredAlert, event('firing', T + 4000), ctx(T + 4000));
    assert.equal(again.alert?.ackedBy, null);
  });

  void test('flapping: more than flapMaxChanges in the window → one flapping notice, then quiet until it settles', () => {
    const events: AlertEvent[] = [];
    for (let i = 0; i < 12; i++) events.push(event(i % 2 === 0 ? 'firing' : 'resolved', T + i * 10_000));
    const { alert, notices, history } = run(events, { flapMaxChanges: 4, flapWindowMs: 600_000 });
    // The first firing is a birth, not a change; the fifth change (i = 5) starts flapping.
    assert.deepEqual(notices, ['firing', 'resolved', 'firing', 'resolved', 'firing', 'flapping']);
    assert.equal(history.filter((h) => h === 'flapping').length, 1);
    assert.equal(alert?.flapping, true);
    assert.equal(alert?.state, 'resolved');
    const lastChange = T + 11 * 10_000;
    assert.equal(reviewAlert(alert as StoredAlert, ctx(lastChange + 599_999)).notice, null, 'not settled yet');
    const settled = reviewAlert(alert as StoredAlert, ctx(lastChange + 600_000));
    assert.deepEqual(settled.history.map((h) => h.event), ['settled']);
    assert.equal(settled.notice, 'resolved', 'settled resolved: the recovery of what was told');
    assert.equal(settled.alert?.flapping, false);
  });

  void test('changes spread wider than the window are not flapping', () => {
    const events: AlertEvent[] = [];
    for (let i = 0; i < 12; i++) events.push(event(i % 2 === 0 ? 'firing' : 'resolved', T + i * 200_000));
    const { notices } = run(events, { flapMaxChanges: 4, flapWindowMs: 600_000 });
    assert.ok(!notices.includes('flapping'));
    assert.equal(notices.length, 12);
  });

  void test('escalation: each step once, when due, for a told, firing, unacknowledged alert; steps due together go as one; a new occurrence starts again', () => {
    const steps = [{ afterMs: 1_800_000, receivers: ['lead'] }, { afterMs: 3_600_000, receivers: ['cto', 'lead'] }, { afterMs: 7_200_000, receivers: ['ceo'] }];
    const { alert } = run([event('firing', T)]);
    assert.ok(alert);
    assert.equal(alert.escalatedSteps, 0);
    assert.equal(escalateAlert(alert, steps, ctx(T + 1_799_999)), null, 'not yet');
    const first = escalateAlert(alert, steps, ctx(T + 1_800_000));
    assert.deepEqual([first?.receivers, first?.alert.escalatedSteps, first?.history], [['lead'], 1, [{ event: 'escalated', details: { steps: 1, to: 1, receivers: ['lead'] } }]]);
    assert.equal(escalateAlert(first!.alert, steps, ctx(T + 1_900_000)), null, 'told once');
    // Both later steps came due while nothing looked (the alerter was down): one notice.
    const late = escalateAlert(first!.alert, steps, ctx(T + 8_000_000));
    assert.deepEqual([late?.receivers, late?.alert.escalatedSteps], [['cto', 'lead', 'ceo'], 3]);
    assert.deepEqual(escalatedReceivers(late!.alert, steps), ['lead', 'cto', 'ceo']);
    assert.deepEqual(escalatedReceivers(first!.alert, steps), ['lead']);
    // Not for an acknowledged, muted, flapping, untold or resolved alert.
    assert.equal(escalateAlert({ ...alert, ackedAt: T + 60_000, ackedBy: 'ann' }, steps, ctx(T + 4_000_000)), null);
    assert.equal(escalateAlert(alert, steps, ctx(T + 4_000_000, { muted: true })), null);
    assert.equal(escalateAlert({ ...alert, flapping: true }, steps, ctx(T + 4_000_000)), null);
    assert.equal(escalateAlert({ ...alert, notifiedFiring: false }, steps, ctx(T + 4_000_000)), null);
    assert.equal(escalateAlert({ ...alert, state: 'resolved' }, steps, ctx(T + 4_000_000)), null);
    // Resolved and firing again: a new occurrence escalates from its own start.
    const again = run([event('firing', T), event('resolved', T + 60_000), event('firing', T + 120_000, { startsAt: T + 120_000 })]).alert;
    assert.equal(applyAlertEvent({ ...alert, escalatedSteps: 2, state: 'resolved' }, event('firing', T + 200_000, { startsAt: T + 200_000 }), ctx(T + 200_000)).alert?.escalatedSteps, 0);
    assert.equal(escalateAlert(again!, steps, ctx(T + 1_800_000)), null, 'its own start counts');
  });
});

