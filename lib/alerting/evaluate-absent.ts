// No data for `for`. Data arriving resets the clock and resolves; the passing of time fires, so
// the evaluator calls evaluateAbsentTick from a timer. A host polled every 5 minutes is not
// absent after 5 minutes: the wait is at least three of the host's poll intervals.
import type { AlertRule } from './alerts-config.ts';
import { formatDuration } from './alerts-file.ts';
import { firingEvent, resolvedEvent, subjectOf } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation } from './rule-state.ts';

export interface AbsentState extends AlertStateBase {
  /** When data was last seen, or when the host was first known. */
  lastSeen: number;
}

export function initialAbsentState(now: number): AbsentState {
  return { active: null, lastSeen: now };
}

export function absentAfterMs(rule: AlertRule, intervalSec: number): number {
  return Math.max(rule.forMs ?? 0, 3 * intervalSec * 1000);
}

export function evaluateAbsentData(state: AbsentState, ctx: AlertContext): Evaluation<AbsentState> {
  const lastSeen = Math.max(state.lastSeen, ctx.now);
  if (!state.active) return { state: { active: null, lastSeen }, events: [] };
  return { state: { active: null, lastSeen }, events: [resolvedEvent(state.active, ctx.now, null)] };
}

export function evaluateAbsentTick(state: AbsentState, rule: AlertRule, intervalSec: number, ctx: AlertContext): Evaluation<AbsentState> {
  const afterMs = absentAfterMs(rule, intervalSec);
  if (state.active || ctx.now - state.lastSeen < afterMs) return { state, events: [] };
  const what = rule.metric ? ` of ${rule.metric}` : '';
  const event = firingEvent(rule, ctx, {
    severity: rule.severity ?? 'warning',
    value: null,
    threshold: null,
    summary: `${subjectOf(rule, ctx.labels)}: no data${what} for ${formatDuration(afterMs)}`,
    startsAt: state.lastSeen,
  });
  return { state: { ...state, active: event }, events: [event] };
}
