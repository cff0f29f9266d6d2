// Which receivers hear of an alert. A rule that names receivers keeps them whatever the host:
// its author said who owns that problem, and a group route added later must not take it away
// silently. Otherwise the routes decide, top to bottom, as Alertmanager's routes do: the first
// that matches stops the search, unless it says `continue: true`, in which case the routes below
// are checked as well and each match adds its receivers. Only when no route matches do the
// default receivers hear of it.
import type { Severity } from './alert-event.ts';
import type { AlertRoute, AlertRule, AlertsConfig, EscalationStep } from './alerts-config.ts';

export interface RoutedAlert {
  rule: string;
  severity: Severity;
  /** The receivers its rule names; empty when the rule names none. */
  receivers: readonly string[];
}

/** Receiver names, each once, in the order the file gives them. */
export function receiversOf(config: Pick<AlertsConfig, 'routes' | 'defaultReceivers'>, alert: RoutedAlert, hostGroups: readonly string[]): string[] {
  if (alert.receivers.length > 0) return [...new Set(alert.receivers)];
  const routes = matchingRoutes(config, alert, hostGroups);
  return [...new Set(routes.length > 0 ? routes.flatMap((route) => route.receivers) : config.defaultReceivers)];
}

/**
 * The escalation steps of the routes that take the alert (the default one when none does), soonest
 * first; for an alert whose rule names its receivers, the rule's own.
 */
export function escalationOf(
  config: Pick<AlertsConfig, 'routes' | 'defaultEscalate'> & { rules?: readonly AlertRule[] }, alert: RoutedAlert, hostGroups: readonly string[],
): EscalationStep[] {
  if (alert.receivers.length > 0) return [...(config.rules?.find((rule) => rule.name === alert.rule)?.escalate ?? [])];
  const routes = matchingRoutes(config, alert, hostGroups);
  const steps = routes.length > 0 ? routes.flatMap((route) => route.escalate ?? []) : config.defaultEscalate;
  return [...steps].sort((a, b) => a.afterMs - b.afterMs);
}

/** The routes that take the alert: the first that matches, and those below it while each says continue. */
function matchingRoutes(config: Pick<AlertsConfig, 'routes'>, alert: RoutedAlert, hostGroups: readonly string[]): AlertRoute[] {
  const matched: AlertRoute[] = [];
  for (const route of config.routes) {
    if (!routeMatches(route, alert, hostGroups)) continue;
    matched.push(route);
    if (!route.continue) break;
  }
  return matched;
}

/**
 * Every matcher the route (or an inhibit rule's source or target) sets must match (groups AND rules
 * AND severity); within one, any value does.
 */
export function routeMatches(
  route: Pick<AlertRoute, 'groups' | 'rules' | 'severities'>, alert: Pick<RoutedAlert, 'rule' | 'severity'>, hostGroups: readonly string[],
): boolean {
  if (route.groups && !route.groups.some((group) => hostGroups.includes(group))) return false;
  if (route.rules && !route.rules.includes(alert.rule)) return false;
  if (route.severities && !route.severities.includes(alert.severity)) return false;
  return true;
}
