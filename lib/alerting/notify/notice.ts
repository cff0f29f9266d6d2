// What one notification says: a kind and the alerts it lists, snapshotted when it was queued
// so that the message tells what happened then, whatever the alert did since.
import { createHash } from 'node:crypto';
import type { Severity } from '../alert-event.ts';

/**
 * firing: started firing; reminder: still firing after repeat_interval; resolved: recovered;
 * flapping: changes state too often, told once until it settles; escalated: still firing and
 * unacknowledged at an escalation step, told to that step's receivers.
 */
export type NoticeKind = 'firing' | 'reminder' | 'resolved' | 'flapping' | 'escalated';

export interface NoticeAlert {
  key: string;
  rule: string;
  host: string;
  labels: Record<string, string>;
  severity: Severity;
  status: 'firing' | 'resolved';
  summary: string;
  value: number | null;
  threshold: number | null;
  /** Milliseconds since the epoch. */
  startsAt: number;
  endsAt: number | null;
  /** Hosts reached through this one (a bastion that is down), whose own alerts are held back. */
  dependents?: string[];
}

export interface Notice {
  kind: NoticeKind;
  receiver: string;
  alerts: NoticeAlert[];
}

const SEVERITY_ORDER: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export function highestSeverity(alerts: NoticeAlert[]): Severity {
  let highest: Severity = 'info';
  for (const alert of alerts) if (SEVERITY_ORDER[alert.severity] > SEVERITY_ORDER[highest]) highest = alert.severity;
  return highest;
}

/** How loud a notice is, for receivers that rank messages (priority, colour): a recovery is quiet whatever its severity. */
export type NoticeLevel = Severity | 'resolved';

export function noticeLevel(notice: Notice): NoticeLevel {
  return notice.kind === 'resolved' ? 'resolved' : highestSeverity(notice.alerts);
}

/** `web-1: disk_full [mount=/data] — 97.5 > 90`: an alert on one line, as chats and pagers show it. */
export function alertLineText(alert: NoticeAlert): string {
  const labels = formatLabels(alert.labels);
  return `${alert.host}: ${alert.rule}${labels ? ` [${labels}]` : ''}${alert.summary ? ` — ${alert.summary}` : ''}`;
}

/** Label text such as `mount=/data`, for lines that name an alert. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
}

/** The text, or its first `max - 1` characters and `…`: for fields a receiver limits. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The alert's key where it fits a receiver's identifier (PagerDuty's dedup key, Opsgenie's alias),
 * else a digest of it: the same each time, so that a recovery still finds what the firing opened.
 */
export function alertKeyWithin(alertKey: string, max: number): string {
  return alertKey.length <= max ? alertKey : `vigil:sha256:${createHash('sha256').update(alertKey).digest('hex')}`;
}
