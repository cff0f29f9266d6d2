// Consecutive failed polls. A changed host key is not "down" (the host answered, and a key
// change is a security matter of its own), so it ends a run of failures instead of extending it.
// A host reached through a bastion that is failing raises no alert of its own: the bastion's alert
// names the hosts behind it, whose state is unknown (a bastion is the monitoring's path, not their
// users'). A host whose vigil_parents are all failing is down for everyone, and its alert fires so
// that availability and the status page count it, but only once a parent's alert is out naming it
// (and the alerter holds it back); until then it stays pending. Before it is down, a host that
// failed is pending.
import type { AlertRule } from './alerts-config.ts';
import type { FailureReason } from '../poll/poll-messages.ts';
import { firingEvent, pendingEvent, resolvedEvent, subjectOf } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation } from './rule-state.ts';

export interface HostDownState extends AlertStateBase {
  failures: number;
  lastReason: FailureReason | null;
  /** The bastion that kept this host's alert back, while it does. */
  suppressedBy: string | null;
}

export const INITIAL_HOST_DOWN_STATE: HostDownState = { active: null, pending: null, failures: 0, lastReason: null, suppressedBy: null };

export interface HostDownInput {
  /** null: a good poll. */
  failure: FailureReason | null;
  downAfter: number;
  /** A bastion of this host that is failing, if any. */
  failingBastion: string | null;
  /** When all of its vigil_parents are failing: the one that covers it, and whether that one's alert is out naming it yet. */
  parentsDown: { parent: string; firing: boolean } | null;
  /** Hosts reached through this one, named in its alert. */
  dependents: string[];
}

export function evaluateHostDown(state: HostDownState, input: HostDownInput, rule: AlertRule, ctx: AlertContext): Evaluation<HostDownState> {
  if (input.failure === null || input.failure === 'host-key-changed') {
    const next: HostDownState = { active: null, pending: null, failures: 0, lastReason: input.failure, suppressedBy: null };
    if (state.active) return { state: next, events: [resolvedEvent(state.active, ctx.now, 0, `${subjectOf(rule, ctx.labels)}: ${ctx.host} answers again`)] };
    return { state: next, events: state.pending ? [resolvedEvent(state.pending, ctx.now, 0, `${state.pending.summary} (cleared before it fired)`)] : [] };
  }
  const failures = state.failures + 1;
  if (state.active) {
    // The hosts behind it are named again each time: a second parent of theirs may have gone down
    // since it fired. A changed list goes to the alerter at once, so that it holds the newly
    // covered hosts' alerts back before they fire (they wait for it: parentsDown.firing).
    const active = { ...state.active, value: failures, at: ctx.now };
    const before = state.active.dependents ?? [];
    if (input.dependents.length > 0 || state.active.dependents !== undefined) active.dependents = input.dependents;
    const changed = before.join('\n') !== input.dependents.join('\n');
    return { state: { ...state, failures, lastReason: input.failure, active }, events: changed ? [active] : [] };
  }
  if (input.failingBastion !== null) {
    // The bastion's alert speaks for this host: what this host had pending is withdrawn.
    const events = state.pending ? [resolvedEvent(state.pending, ctx.now, failures, `${state.pending.summary} (covered by bastion ${input.failingBastion})`)] : [];
    return { state: { ...state, pending: null, failures, lastReason: input.failure, suppressedBy: input.failingBastion }, events };
  }
  const severity = rule.severity ?? 'critical';
  const parent = input.parentsDown;
  // Its parent's alert must be out first, naming it, for the alerter to hold its own back.
  const waitingOnParent = parent !== null && !parent.firing;
  if (failures < input.downAfter || waitingOnParent) {
    // Pending from the first failure: an alert the host's other alerts wait on (inhibit_rules),
    // so that a check failing with the host is not announced before the host is found down.
    const summary = failures < input.downAfter
      ? `${subjectOf(rule, ctx.labels)}: ${ctx.host} failed ${failures} of ${input.downAfter} polls (${input.failure})`
      : `${subjectOf(rule, ctx.labels)}: ${ctx.host} failed ${failures} polls in a row (${input.failure}); its parent ${parent?.parent} is failing too`;
    // Nothing new to publish; the periodic re-publication carries the count so far.
    if (state.pending) return { state: { ...state, failures, lastReason: input.failure, pending: { ...state.pending, value: failures, summary, at: ctx.now } }, events: [] };
    const pending = pendingEvent(rule, ctx, { severity, value: failures, threshold: input.downAfter, summary, startsAt: ctx.now });
    return { state: { ...state, pending, failures, lastReason: input.failure, suppressedBy: null }, events: [pending] };
  }
  const behind = (parent === null ? '' : `; behind ${parent.parent}, which is down`)
    + (input.dependents.length > 0 ? `; unreachable behind it: ${input.dependents.join(', ')}` : '');
  const event = firingEvent(rule, ctx, {
    severity,
    value: failures,
    threshold: input.downAfter,
    summary: `${subjectOf(rule, ctx.labels)}: ${ctx.host} failed ${failures} polls in a row (${input.failure})${behind}`,
    // Down since its first failed poll, as a `for` rule's alert starts when its condition did.
    startsAt: state.pending?.startsAt ?? ctx.now,
    dependents: input.dependents,
  });
  return { state: { active: event, pending: null, failures, lastReason: input.failure, suppressedBy: null }, events: [event] };
}

/** A bastion or a parent counts as failing from its first failed poll, before it is itself declared down. */
export function isFailing(state: HostDownState | undefined): boolean {
  return state !== undefined && (state.failures > 0 || state.active !== null);
}
