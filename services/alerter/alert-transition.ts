// The alerter's decisions, as pure functions of an alert's stored state, what happened, and
// the time: which state it moves to, what goes into its history, and which notice (if any) to
// send. Muting (silences, maintenance) only ever suppresses notices, never state.
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import type { EscalationStep } from '../../lib/alerting/alerts-config.ts';
import type { NoticeKind } from '../../lib/alerting/notify/notice.ts';
import type { StoredAlert } from '../../lib/db/queries/stored-alert.ts';

export interface TransitionContext {
  now: number;
  /** A silence or a maintenance window covers the alert. */
  muted: boolean;
  repeatIntervalMs: number;
  flapWindowMs: number;
  flapMaxChanges: number;
}

export interface HistoryNote {
  event: string;
  details?: Record<string, unknown>;
}

export interface Transition {
  /** The alert to store, or null when nothing changed. */
  alert: StoredAlert | null;
  history: HistoryNote[];
  notice: NoticeKind | null;
}

const NOTHING: Transition = { alert: null, history: [], notice: null };

export function applyAlertEvent(previous: StoredAlert | undefined, event: AlertEvent, ctx: TransitionContext): Transition {
  // A redelivered or overtaken event must not undo what a newer one did.
  if (previous && event.at < previous.lastEventAt) return NOTHING;
  const fromEvent = {
    key: event.key,
    rule: event.rule,
    host: event.host,
    labels: event.labels,
    severity: event.severity,
    summary: event.summary,
    value: event.value,
    threshold: event.threshold,
    receivers: event.receivers,
    lastEventAt: event.at,
  };

  if (event.state === 'pending') return applyPending(previous, event, fromEvent, ctx);

  if (event.state === 'firing') {
    if (previous && previous.state === 'firing') {
      // The evaluator's periodic re-publication: refresh what people will read, then see
      // whether a reminder or a first notice (silence over) is due.
      return reviewAlert({ ...previous, ...fromEvent }, ctx, true);
    }
    const alert = newOccurrence(previous, fromEvent, 'firing', event.startsAt, ctx);
    const history: HistoryNote[] = [{ event: 'firing', details: { value: event.value, threshold: event.threshold, muted: ctx.muted } }];
    // The first firing of a new alert is its birth, not a change (nor is the end of its
    // pending time); flapping counts changes.
    if (previous && previous.state !== 'pending') alert.stateChanges.push(ctx.now);
    const flap = startFlappingIfDue(alert, ctx, history);
    if (flap) return { alert, history, notice: flap };
    if (alert.flapping || ctx.muted) return { alert, history, notice: null };
    alert.notifiedFiring = true;
    alert.lastNotifiedAt = ctx.now;
    return { alert, history, notice: 'firing' };
  }

  if (previous?.state === 'pending') {
    // Over before it lasted its `for`: what `for` is there to absorb, so nobody hears of it
    // and it does not count towards flapping.
    const cleared: StoredAlert = { ...previous, ...fromEvent, state: 'resolved', endsAt: event.at };
    return { alert: cleared, history: [{ event: 'cleared', details: { value: event.value } }], notice: null };
  }
  if (!previous || previous.state !== 'firing') return NOTHING;
  const alert: StoredAlert = {
    ...previous,
    ...fromEvent,
    state: 'resolved',
    endsAt: event.at,
    stateChanges: [...recentChanges(previous.stateChanges, ctx), ctx.now],
  };
  const history: HistoryNote[] = [{ event: 'resolved', details: { value: event.value, muted: ctx.muted } }];
  const flap = startFlappingIfDue(alert, ctx, history);
  if (flap) return { alert, history, notice: flap };
  if (alert.flapping) return { alert, history, notice: null };
  // Whoever was told it fired is told it recovered, silence or not.
  if (!alert.notifiedFiring) return { alert, history, notice: null };
  alert.notifiedFiring = false;
  return { alert, history, notice: 'resolved' };
}

/** A condition that holds but has not lasted its `for` yet: recorded (the dashboard shows it), never notified. */
function applyPending(previous: StoredAlert | undefined, event: AlertEvent, fromEvent: Omit<StoredAlert, ConditionFields>, ctx: TransitionContext): Transition {
  // Already firing (a late pending event) or already pending (a re-publication): keep the state.
  if (previous?.state === 'firing') return NOTHING;
  if (previous?.state === 'pending') return { alert: { ...previous, ...fromEvent }, history: [], notice: null };
  const alert = newOccurrence(previous, fromEvent, 'pending', event.startsAt, ctx);
  return { alert, history: [{ event: 'pending', details: { value: event.value, threshold: event.threshold } }], notice: null };
}

/** An alert that starts again (or for the first time): acks go, flapping and its recent changes stay. */
function newOccurrence(
  previous: StoredAlert | undefined, fromEvent: Omit<StoredAlert, ConditionFields>, state: 'pending' | 'firing', startsAt: number, ctx: TransitionContext,
): StoredAlert {
  return {
    ...fromEvent,
    state,
    startsAt,
    endsAt: null,
    lastNotifiedAt: previous?.lastNotifiedAt ?? null,
    // While it flaps, people were told once and that notice still stands.
    notifiedFiring: previous?.flapping ? previous.notifiedFiring : false,
    ackedBy: null,
    ackedAt: null,
    ackedComment: null,
    flapping: previous?.flapping ?? false,
    stateChanges: previous ? recentChanges(previous.stateChanges, ctx) : [],
    // The alerter says why, if its notices are held back.
    heldBackBy: null,
    // A new occurrence escalates afresh, as acks go.
    escalatedSteps: 0,
  };
}

/** The fields an event does not set: they come from the alert's own course. */
type ConditionFields =
  | 'state' | 'startsAt' | 'endsAt' | 'lastNotifiedAt' | 'notifiedFiring' | 'ackedBy' | 'ackedAt' | 'ackedComment' | 'flapping' | 'stateChanges' | 'heldBackBy'
  | 'escalatedSteps';

/**
 * What time alone brings to an alert: a flapping one settles, a firing one is reminded about
 * after repeat_interval (unless acknowledged), a firing one nobody was told about (silenced
 * until now) gets its notice. `changed` forces a store even when nothing is decided.
 */
export function reviewAlert(alert: StoredAlert, ctx: TransitionContext, changed = false): Transition {
  const next: StoredAlert = { ...alert };
  if (next.flapping) {
    const last = next.stateChanges.length > 0 ? Math.max(...next.stateChanges) : -Infinity;
    if (ctx.now - last < ctx.flapWindowMs) return { alert: changed ? next : null, history: [], notice: null };
    next.flapping = false;
    next.stateChanges = [];
    const history: HistoryNote[] = [{ event: 'settled', details: { state: next.state } }];
    if (next.state === 'firing' && !ctx.muted) {
      next.notifiedFiring = true;
      next.lastNotifiedAt = ctx.now;
      return { alert: next, history, notice: 'firing' };
    }
    if (next.state === 'resolved' && next.notifiedFiring) {
      next.notifiedFiring = false;
      return { alert: next, history, notice: 'resolved' };
    }
    return { alert: next, history, notice: null };
  }
  if (next.state === 'firing' && !ctx.muted) {
    if (!next.notifiedFiring) {
      next.notifiedFiring = true;
      next.lastNotifiedAt = ctx.now;
      return { alert: next, history: [{ event: 'unmuted' }], notice: 'firing' };
    }
    const remindAt = (next.lastNotifiedAt ?? next.startsAt) + ctx.repeatIntervalMs;
    if (next.ackedAt === null && ctx.now >= remindAt) {
      next.lastNotifiedAt = ctx.now;
      return { alert: next, history: [{ event: 'reminder' }], notice: 'reminder' };
    }
  }
  return { alert: changed ? next : null, history: [], notice: null };
}

/** What an escalation does now: the alert with its steps counted, its history note, the notice and who gets it. */
export interface Escalation extends Transition {
  alert: StoredAlert;
  notice: 'escalated';
  receivers: string[];
}

/**
 * The escalation steps due for an alert (those of its route, soonest first, `escalatedSteps` of
 * them told already): it fires, was told of, is neither acknowledged, flapping nor muted, and has
 * fired for a step's `after` since it started. Steps that came due together go out as one.
 */
export function escalateAlert(alert: StoredAlert, steps: readonly EscalationStep[], ctx: TransitionContext): Escalation | null {
  if (alert.state !== 'firing' || !alert.notifiedFiring || alert.ackedAt !== null || alert.flapping || ctx.muted) return null;
  let told = alert.escalatedSteps;
  const receivers: string[] = [];
  while (told < steps.length && ctx.now - alert.startsAt >= (steps[told] as EscalationStep).afterMs) {
    receivers.push(...(steps[told] as EscalationStep).receivers);
    told++;
  }
  if (told === alert.escalatedSteps) return null;
  const unique = [...new Set(receivers)];
  const history: HistoryNote[] = [{ event: 'escalated', details: { steps: told - alert.escalatedSteps, to: told, receivers: unique } }];
  return { alert: { ...alert, escalatedSteps: told }, history, notice: 'escalated', receivers: unique };
}

/** The receivers an alert's escalation has told so far, each once: its recovery reaches them too. */
export function escalatedReceivers(alert: StoredAlert, steps: readonly EscalationStep[]): string[] {
  return [...new Set(steps.slice(0, alert.escalatedSteps).flatMap((step) => step.receivers))];
}

function recentChanges(changes: number[], ctx: TransitionContext): number[] {
  return changes.filter((at) => ctx.now - at < ctx.flapWindowMs);
}

function startFlappingIfDue(alert: StoredAlert, ctx: TransitionContext, history: HistoryNote[]): NoticeKind | null {
  if (alert.flapping || alert.stateChanges.length <= ctx.flapMaxChanges) return null;
  alert.flapping = true;
  history.push({ event: 'flapping', details: { changes: alert.stateChanges.length, windowMs: ctx.flapWindowMs } });
  if (ctx.muted) return null;
  // Telling people it flaps is telling them something is wrong: a later recovery is announced.
  alert.notifiedFiring = true;
  alert.lastNotifiedAt = ctx.now;
  return 'flapping';
}
