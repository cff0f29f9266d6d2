// The host presented another SSH host key than the pinned one. It fires on the failure that says
// so and resolves only with a good poll (someone re-pinned the key): other failures in between
// say nothing about the key.
import type { AlertRule } from './alerts-config.ts';
import type { FailureReason } from '../poll/poll-messages.ts';
import { firingEvent, resolvedEvent, subjectOf } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation } from './rule-state.ts';

export type HostKeyState = AlertStateBase;

export const INITIAL_HOST_KEY_STATE: HostKeyState = { active: null };

/** `failure` null: a good poll. */
export function evaluateHostKeyChanged(state: HostKeyState, failure: FailureReason | null, rule: AlertRule, ctx: AlertContext): Evaluation<HostKeyState> {
  if (failure === null) {
    return state.active ? { state: { active: null }, events: [resolvedEvent(state.active, ctx.now, null)] } : { state, events: [] };
  }
  if (failure !== 'host-key-changed' || state.active) return { state, events: [] };
  const event = firingEvent(rule, ctx, {
    severity: rule.severity ?? 'critical',
    value: null,
    threshold: null,
    summary: `${subjectOf(rule, ctx.labels)}: ${ctx.host} presented an SSH host key other than the one pinned; polls stop until it is checked`,
    startsAt: ctx.now,
  });
  return { state: { active: event }, events: [event] };
}
