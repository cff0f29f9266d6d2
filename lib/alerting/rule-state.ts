// What every rule evaluation shares: the identity of an alert, the host settings it is evaluated
// with, and how a firing or resolved event is built. Evaluations are pure: they take the previous
// state and return the next one with the events to publish, so a test replays a sequence of
// samples with explicit times and nothing else.
import type { AlertEvent, Severity } from './alert-event.ts';
import type { AlertRule, HostAlerting } from './alerts-config.ts';
import { formatDuration } from './alerts-file.ts';
import { itemKey } from './evaluate-metric.ts';

/** What the evaluator knows of a host from the hosts table (its inventory variables). */
export interface HostSettings {
  name: string;
  intervalSec: number;
  alerting: HostAlerting | null;
  /** Inventory names of the SSH bastions the host is reached through, outermost first. */
  via: string[];
}

export interface AlertContext {
  host: string;
  labels: Record<string, string>;
  /** Milliseconds since the epoch: the time of the sample or failure being evaluated. */
  now: number;
}

/** Every rule's state has this: the last firing event while the alert is active, else null. */
export interface AlertStateBase {
  active: AlertEvent | null;
  /** The pending event while a condition holds but not yet for the rule's `for` (rules that have one). */
  pending?: AlertEvent | null;
}

export interface Evaluation<S> {
  state: S;
  events: AlertEvent[];
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function alertKey(rule: string, host: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`);
  return [rule, host, ...parts].join('|');
}

export function firingEvent(
  rule: AlertRule,
  ctx: AlertContext,
  fields: { severity: Severity; value: number | null; threshold: number | null; summary: string; startsAt: number; dependents?: string[] },
): AlertEvent {
  const event: AlertEvent = {
    key: alertKey(rule.name, ctx.host, ctx.labels),
    rule: rule.name,
    host: ctx.host,
    labels: { ...ctx.labels },
    state: 'firing',
    severity: fields.severity,
    value: fields.value,
    threshold: fields.threshold,
    summary: fields.summary,
    startsAt: fields.startsAt,
    at: ctx.now,
    receivers: [...(rule.receivers ?? [])],
  };
  if (fields.dependents && fields.dependents.length > 0) event.dependents = [...fields.dependents];
  return event;
}

/** Like firingEvent, for a condition that holds but has not yet lasted the rule's `for`. */
export function pendingEvent(
  rule: AlertRule,
  ctx: AlertContext,
  fields: { severity: Severity; value: number | null; threshold: number | null; summary: string; startsAt: number },
): AlertEvent {
  return { ...firingEvent(rule, ctx, fields), state: 'pending' };
}

/** The resolution of an active (or pending) alert, with the value that ended it (null: the item is gone). */
export function resolvedEvent(active: AlertEvent, now: number, value: number | null, summary?: string): AlertEvent {
  return { ...active, state: 'resolved', value, at: now, summary: summary ?? `${active.summary} (resolved)` };
}

/** A number for people: at most one decimal, none for large values. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? String(Math.round(value * 10) / 10) : String(Math.round(value * 100) / 100);
}

/** "CPU busy 97.2 % > 95 % for 2m", "Filesystem used /data 96 % > 95 %". */
export function describeBreach(rule: AlertRule, labels: Record<string, string>, value: number, threshold: number, above: boolean, forMs: number): string {
  const unit = rule.unit ? ` ${rule.unit}` : '';
  const item = itemKey(labels);
  const subject = `${rule.summary ?? rule.name}${item === '' ? '' : ` ${item}`}`;
  const duration = forMs > 0 ? ` for ${formatDuration(forMs)}` : '';
  return `${subject} ${formatValue(value)}${unit} ${above ? '>' : '<'} ${formatValue(threshold)}${unit}${duration}`;
}

export function subjectOf(rule: AlertRule, labels: Record<string, string>): string {
  const item = itemKey(labels);
  return `${rule.summary ?? rule.name}${item === '' ? '' : ` ${item}`}`;
}
