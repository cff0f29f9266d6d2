// PagerDuty Events API v2: an event per alert, not per notice, keyed by the alert (dedup_key) so
// that its resolution resolves the incident its firing opened, and a notice sent twice (a retry
// after a partial failure) changes nothing. Severity maps onto PagerDuty's; the rest goes in
// custom_details.
import { alertKeyWithin, alertLineText, cutText, type Notice, type NoticeAlert } from './notice.ts';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'warning' | 'info';
    timestamp: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
}

const MAX_SUMMARY = 1024;
const MAX_DEDUP_KEY = 255;

export function renderPagerDutyEvents(notice: Notice, routingKey: string): PagerDutyEvent[] {
  return notice.alerts.map((alert) => pagerDutyEvent(alert, routingKey));
}

function pagerDutyEvent(alert: NoticeAlert, routingKey: string): PagerDutyEvent {
  const dedupKey = pagerDutyDedupKey(alert.key);
  if (alert.status === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const summary = alertLineText(alert).replace(/[\r\n\t]+/g, ' ');
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: cutText(summary, MAX_SUMMARY),
      source: alert.host,
      severity: alert.severity,
      timestamp: new Date(alert.startsAt).toISOString(),
      class: alert.rule,
      custom_details: {
        labels: alert.labels,
        value: alert.value,
        threshold: alert.threshold,
        ...(alert.dependents && alert.dependents.length > 0 ? { behind_it: alert.dependents } : {}),
      },
    },
  };
}

/** The alert's key, or a digest of it where it is longer than PagerDuty keeps. */
export function pagerDutyDedupKey(alertKey: string): string {
  return alertKeyWithin(alertKey, MAX_DEDUP_KEY);
}
