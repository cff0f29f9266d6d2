// A value compared with levels. Each level counts from when the value first passed it without
// a break; the alert fires at the highest level held for `for`, escalates when a higher one is
// held, and resolves only once the value is back past the recovery level (hysteresis), so a
// value hovering around a level gives one alert, not one per poll. It does not step down from
// critical to warning while it fires: one alert, at the worst severity it reached.
// With a `for`, a level passed but not yet held that long is pending (as in Prometheus): one
// pending event when it starts, and a resolved one if the value goes back before it fires,
// which the alerter records without telling anyone.
import type { Severity } from './alert-event.ts';
import type { AlertRule } from './alerts-config.ts';
import { describeBreach, firingEvent, pendingEvent, resolvedEvent, SEVERITY_RANK } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation } from './rule-state.ts';

export interface ThresholdState extends AlertStateBase {
  /** Since when the value has been past each level, without a break. */
  since: Partial<Record<Severity, number>>;
}

export const INITIAL_THRESHOLD_STATE: ThresholdState = { active: null, since: {}, pending: null };

export type Describe = (value: number, threshold: number, above: boolean, forMs: number) => string;

/**
 * `rule` as one fixed level at its own severity (else `fallback`) that it also recovers at: the
 * shape of rules on a condition (a process missing, a unit failed, a link down) rather than on a
 * figure, which still get `for` and per-item overrides as any threshold does.
 */
export function singleLevelRule(rule: AlertRule, fallback: Severity, direction: 'above' | 'below', level: number): AlertRule {
  return { ...rule, direction, levels: { [rule.severity ?? fallback]: level }, recoverAt: level };
}

/** `value` null: the sample lacks the metric, which neither fires nor resolves. */
export function evaluateThreshold(
  state: ThresholdState,
  value: number | null,
  rule: AlertRule,
  ctx: AlertContext,
  describe?: Describe,
): Evaluation<ThresholdState> {
  if (value === null) return { state, events: [] };
  const above = rule.direction !== 'below';
  const levels = Object.entries(rule.levels ?? {})
    .filter((entry): entry is [Severity, number] => typeof entry[1] === 'number')
    .sort((a, b) => SEVERITY_RANK[a[0]] - SEVERITY_RANK[b[0]]);
  const forMs = rule.forMs ?? 0;
  const say = describe ?? ((v, t, a, f) => describeBreach(rule, ctx.labels, v, t, a, f));

  const since: Partial<Record<Severity, number>> = {};
  let top: [Severity, number] | null = null;
  let passed: [Severity, number] | null = null;
  for (const [severity, level] of levels) {
    if (!(above ? value > level : value < level)) continue;
    const from = state.since[severity] ?? ctx.now;
    since[severity] = from;
    passed = [severity, level];
    if (ctx.now - from >= forMs) top = [severity, level];
  }

  const active = state.active;
  if (active) {
    if (recovered(rule, levels, value, above)) {
      return { state: { active: null, since, pending: null }, events: [resolvedEvent(active, ctx.now, value)] };
    }
    if (top && SEVERITY_RANK[top[0]] > SEVERITY_RANK[active.severity]) {
      const event = firingEvent(rule, ctx, { severity: top[0], value, threshold: top[1], summary: say(value, top[1], above, forMs), startsAt: active.startsAt });
      return { state: { active: event, since, pending: null }, events: [event] };
    }
    return { state: { active: { ...active, value, at: ctx.now }, since, pending: null }, events: [] };
  }
  const pending = state.pending ?? null;
  if (!top) {
    if (passed) {
      if (pending) return { state: { active: null, since, pending: { ...pending, value, at: ctx.now } }, events: [] };
      const startsAt = Math.min(...Object.values(since));
      const event = pendingEvent(rule, ctx, { severity: passed[0], value, threshold: passed[1], summary: say(value, passed[1], above, forMs), startsAt });
      return { state: { active: null, since, pending: event }, events: [event] };
    }
    if (pending) return { state: { active: null, since, pending: null }, events: [resolvedEvent(pending, ctx.now, value, `${pending.summary} (cleared before it fired)`)] };
    return { state: { active: null, since, pending: null }, events: [] };
  }
  const startsAt = Math.min(...Object.values(since));
  const event = firingEvent(rule, ctx, { severity: top[0], value, threshold: top[1], summary: say(value, top[1], above, forMs), startsAt });
  return { state: { active: event, since, pending: null }, events: [event] };
}

function recovered(rule: AlertRule, levels: Array<[Severity, number]>, value: number, above: boolean): boolean {
  // No level left (an override removed them all): nothing to be in breach of.
  if (levels.length === 0) return true;
  const values = levels.map(([, level]) => level);
  const outer = above ? Math.min(...values) : Math.max(...values);
  // A recovery level on the wrong side of the levels (an override lowered them past it) would
  // resolve an alert that is still in breach: the outermost level bounds it.
  const at = rule.recoverAt === undefined ? outer : above ? Math.min(rule.recoverAt, outer) : Math.max(rule.recoverAt, outer);
  return above ? value <= at : value >= at;
}
