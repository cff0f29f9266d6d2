// Opsgenie's Alert API v2, as PagerDuty's events: a request per alert, not per notice, keyed by
// the alert (its alias) so that its recovery closes the alert its firing opened, and a notice sent
// twice (a retry after a partial failure) only counts a repeat, which Opsgenie folds into the open
// alert with the same alias. Firing creates (POST {url}); resolved closes
// (POST {url}/{alias}/close?identifierType=alias). Each carries Authorization: GenieKey <api_key>.
import { alertKeyWithin, alertLineText, cutText, formatLabels, type Notice, type NoticeAlert } from './notice.ts';
import type { Severity } from '../alert-event.ts';

/** Opsgenie's US endpoint; EU accounts use https://api.eu.opsgenie.com/v2/alerts. */
export const OPSGENIE_ALERTS_URL = 'https://api.opsgenie.com/v2/alerts';

export interface OpsgenieCreateAlert {
  message: string;
  alias: string;
  description: string;
  priority: 'P1' | 'P3' | 'P5';
  source: 'Vigil';
  tags: string[];
  /** Opsgenie takes string values only. */
  details: Record<string, string>;
}

export interface OpsgenieCloseAlert {
  source: 'Vigil';
  note: string;
}

export interface OpsgenieRequest {
  url: string;
  body: OpsgenieCreateAlert | OpsgenieCloseAlert;
  headers: { Authorization: string };
}

// Opsgenie's documented limits: message 130 characters, alias 512, description 15,000, tags 50
// each; details 8,000 in all, so each of the (at most seven) details keeps to 1,000. A close's note
// (Opsgenie takes 25,000) only needs the alert's line.
const MAX = { message: 130, alias: 512, description: 15_000, tag: 50, detail: 1_000, note: 1_000 } as const;

const OPSGENIE_PRIORITY: Record<Severity, OpsgenieCreateAlert['priority']> = { critical: 'P1', warning: 'P3', info: 'P5' };

export function renderOpsgenieRequests(notice: Notice, url: string, apiKey: string): OpsgenieRequest[] {
  const headers = { Authorization: `GenieKey ${apiKey}` };
  return notice.alerts.map((alert) => {
    const alias = opsgenieAlias(alert.key);
    if (alert.status === 'resolved') return { url: opsgenieCloseUrl(url, alias), body: closeAlert(alert), headers };
    return { url, body: createAlert(alert, alias), headers };
  });
}

/** The alert's key, or a digest of it where it is longer than Opsgenie keeps. */
export function opsgenieAlias(alertKey: string): string {
  return alertKeyWithin(alertKey, MAX.alias);
}

/** Where an alert is closed by its alias: the alerts URL (whatever its region) and the alias as one path segment. */
export function opsgenieCloseUrl(alertsUrl: string, alias: string): string {
  const url = new URL(alertsUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(alias)}/close`;
  url.searchParams.set('identifierType', 'alias');
  return url.href;
}

function createAlert(alert: NoticeAlert, alias: string): OpsgenieCreateAlert {
  const line = alertLineText(alert).replace(/[\r\n\t]+/g, ' ');
  const startedAt = new Date(alert.startsAt).toISOString();
  const measured = alert.value === null ? null : `${alert.value}${alert.threshold === null ? '' : ` (threshold ${alert.threshold})`}`;
  const behindIt = alert.dependents && alert.dependents.length > 0 ? alert.dependents.join(', ') : null;
  const labels = formatLabels(alert.labels);
  const description = [
    alertLineText(alert),
    `Severity ${alert.severity}, firing since ${startedAt}.`,
    ...(measured === null ? [] : [`Value: ${measured}.`]),
    ...(behindIt === null ? [] : [`Hosts reached through it (their alerts are held back): ${behindIt}.`]),
  ].join('\n');
  const details: Record<string, string> = {
    host: alert.host,
    rule: alert.rule,
    severity: alert.severity,
    started: startedAt,
    ...(labels ? { labels } : {}),
    ...(measured === null ? {} : { value: measured }),
    ...(behindIt === null ? {} : { behind_it: behindIt }),
  };
  return {
    message: cutText(line, MAX.message),
    alias,
    description: cutText(description, MAX.description),
    priority: OPSGENIE_PRIORITY[alert.severity],
    source: 'Vigil',
    tags: [alert.rule, alert.severity, alert.host].map((tag) => cutText(tag, MAX.tag)),
    details: Object.fromEntries(Object.entries(details).map(([name, value]) => [name, cutText(value, MAX.detail)])),
  };
}

function closeAlert(alert: NoticeAlert): OpsgenieCloseAlert {
  const at = alert.endsAt === null ? '' : ` at ${new Date(alert.endsAt).toISOString()}`;
  return { source: 'Vigil', note: cutText(`Resolved${at}: ${alertLineText(alert)}`, MAX.note) };
}
