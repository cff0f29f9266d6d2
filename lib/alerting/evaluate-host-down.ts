// Consecutive failed polls. A changed host key is not "down" (the host answered, and a key
// change is a security matter of its own), so it ends a run of failures instead of extending it.
// A host reached through a bastion that is failing raises no alert of its own: the bastion's
// alert names the hosts behind it.
import type { AlertRule } from './alerts-config.ts';
import type { FailureReason } from '../poll/poll-messages.ts';
import { firingEvent, resolvedEvent, subjectOf } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation } from './rule-state.ts';

export interface HostDownState extends AlertStateBase {
  failures: number;
  lastReason: FailureReason | null;
  /** The bastion that kept this host's alert back, while it does. */
  suppressedBy: string | null;
}

export const INITIAL_HOST_DOWN_STATE: HostDownState = { active: null, failures: 0, lastReason: null, suppressedBy: null };

export interface HostDownInput {
  /** null: a good poll. */
  failure: FailureReason | null;
  downAfter: number;
  /** A bastion of this host that is failing itself, if any. */
  failingBastion: string | null;
  /** Hosts reached through this one, named in its alert. */
  dependents: string[];
}

export function evaluateHostDown(state: HostDownState, input: HostDownInput, rule: AlertRule, ctx: AlertContext): Evaluation<HostDownState> {
  if (input.failure === null || input.failure === 'host-key-changed') {
    const next: HostDownState = { active: null, failures: 0, lastReason: input.failure, suppressedBy: null };
    return { state: next, events: state.active ? [resolvedEvent(state.active, ctx.now, 0, `${subjectOf(rule, ctx.labels)}: ${ctx.host} answers again`)] : [] };
  }
  const failures = state.failures + 1;
  if (state.active || failures < input.downAfter) {
    return { state: { ...state, failures, lastReason: input.failure, active: state.active ? { ...state.active, value: failures, at: ctx.now } : null }, events: [] };
  }
  if (input.failingBastion !== null) {
    return { state: { ...state, failures, lastReason: input.failure, suppressedBy: input.failingBastion }, events: [] };
  }
  const behind = input.dependents.length > 0 ? `; unreachable behind it: ${input.dependents.join(', ')}` : '';
  const event = firingEvent(rule, ctx, {
    severity: rule.severity ?? 'critical',
    value: failures,
    threshold: input.downAfter,
    summary: `${subjectOf(rule, ctx.labels)}: ${ctx.host} failed ${failures} polls in a row (${input.failure})${behind}`,
    startsAt: ctx.now,
    dependents: input.dependents,
  });
  return { state: { active: event, failures, lastReason: input.failure, suppressedBy: null }, events: [event] };
}

/** A bastion counts as failing from its first failed poll, before it is itself declared down. */
export function isFailing(state: HostDownState | undefined): boolean {
  return state !== undefined && (state.failures > 0 || state.active !== null);
}
