// A service check (vigil_checks) that failed `polls` polls in a row (default 2: one bad answer is
// a blip, two are an outage). One alert per check, keyed by the check's id, so that a shop whose
// web check and database port both fail raises two alerts; it resolves on the check's first good
// result. The reason and message of the failure that fired it are in the summary, not in the
// labels: a check that times out and is then refused is still the same outage.
import type { CheckResult } from '../checks/check-result.ts';
import type { AlertRule } from './alerts-config.ts';
import { firingEvent, resolvedEvent, subjectOf } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation } from './rule-state.ts';

export const DEFAULT_CHECK_FAILING_POLLS = 2;

export interface CheckFailingState extends AlertStateBase {
  /** Failed results in a row. */
  failures: number;
}

export const INITIAL_CHECK_FAILING_STATE: CheckFailingState = { active: null, failures: 0 };

/** The label that names the check in its alert: the same one certificate_expiring's items get (evaluate-metric.ts). */
export function checkLabels(check: Pick<CheckResult, 'id'>): Record<string, string> {
  return { id: check.id };
}

export function evaluateCheckFailing(state: CheckFailingState, check: CheckResult, rule: AlertRule, ctx: AlertContext): Evaluation<CheckFailingState> {
  if (check.ok) {
    const events = state.active ? [resolvedEvent(state.active, ctx.now, 0, `${subjectOf(rule, ctx.labels)}: answers again`)] : [];
    return { state: INITIAL_CHECK_FAILING_STATE, events };
  }
  const failures = state.failures + 1;
  const polls = rule.polls ?? DEFAULT_CHECK_FAILING_POLLS;
  if (state.active) return { state: { active: { ...state.active, value: failures, at: ctx.now }, failures }, events: [] };
  if (failures < polls) return { state: { active: null, failures }, events: [] };
  const detail = check.message === undefined ? '' : `: ${check.message}`;
  const event = firingEvent(rule, ctx, {
    severity: rule.severity ?? 'critical',
    value: failures,
    threshold: polls,
    summary: `${subjectOf(rule, ctx.labels)}: failed ${failures} polls in a row (${check.reason ?? 'error'}${detail})`,
    startsAt: ctx.now,
  });
  return { state: { active: event, failures }, events: [event] };
}
