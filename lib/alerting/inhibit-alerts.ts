// Inhibition, as Alertmanager's inhibit_rules: an alert that names a cause holds back the alerts
// that are its symptoms. Here always on the same host (hosts behind a bastion have their own
// mechanism: the bastion's host_down names them). A source counts from the moment it is pending,
// not only once it fires: host_down is pending from a host's first failed poll, so a check that
// fails with the host (after 2 polls) waits for host_down's verdict (after 3) instead of going
// out first. Pure functions; the alerter applies them.
import type { Severity } from './alert-event.ts';
import type { AlertMatcher, InhibitRule } from './alerts-config.ts';
import { routeMatches } from './route-alert.ts';

export interface InhibitSubject {
  key: string;
  rule: string;
  host: string;
  severity: Severity;
  labels: Record<string, string>;
  state: 'pending' | 'firing' | 'resolved';
}

/** An alert's inhibitor: an active alert of the same host that a rule names as its cause; null if none. */
export function inhibitorOf<T extends InhibitSubject>(rules: readonly InhibitRule[], alert: InhibitSubject, activeOnHost: Iterable<T>): T | null {
  if (rules.length === 0) return null;
  for (const other of activeOnHost) {
    if (other.key === alert.key || other.host !== alert.host || other.state === 'resolved') continue;
    for (const rule of rules) if (inhibits(rule, other, alert)) return other;
  }
  return null;
}

/** Whether an alert can hold others back under some rule (the alerter applies these first). */
export function isInhibitSource(rules: readonly InhibitRule[], alert: Pick<InhibitSubject, 'rule' | 'severity'>): boolean {
  return rules.some((rule) => matches(rule.source, alert));
}

function inhibits(rule: InhibitRule, source: InhibitSubject, target: InhibitSubject): boolean {
  if (!matches(rule.source, source)) return false;
  // An alert that is itself a source of the rule is never its target (as in Alertmanager), else
  // two of them would hold each other back and nobody would hear of either.
  if (matches(rule.source, target) || (rule.target !== undefined && !matches(rule.target, target))) return false;
  return rule.equal.every((label) => source.labels[label] === target.labels[label]);
}

function matches(matcher: AlertMatcher, alert: Pick<InhibitSubject, 'rule' | 'severity'>): boolean {
  return routeMatches(matcher, alert, []);
}
