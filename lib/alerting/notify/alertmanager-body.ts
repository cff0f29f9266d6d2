// The Alertmanager webhook body (version 4), so that receivers written for Alertmanager
// (PagerDuty bridges, chat bots, ticket hooks) take Vigil's notifications unchanged.
import type { Notice, NoticeAlert } from './notice.ts';

export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerBody {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}

// Alertmanager's "not ended yet".
const NO_END = '0001-01-01T00:00:00Z';

export function renderAlertmanagerBody(notice: Notice, externalUrl = ''): AlertmanagerBody {
  const alerts = notice.alerts.map((alert) => toAlertmanagerAlert(alert, notice, externalUrl));
  return {
    version: '4',
    groupKey: `{}:{receiver=${JSON.stringify(notice.receiver)}}`,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: notice.receiver,
    // Vigil groups by receiver only, so no label defines the group.
    groupLabels: {},
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: externalUrl,
    alerts,
  };
}

function toAlertmanagerAlert(alert: NoticeAlert, notice: Notice, externalUrl: string): AlertmanagerAlert {
  const labels: Record<string, string> = { ...alert.labels, alertname: alert.rule, host: alert.host, instance: alert.host, severity: alert.severity };
  const annotations: Record<string, string> = { summary: alert.summary };
  if (alert.value !== null) annotations['value'] = String(alert.value);
  if (alert.threshold !== null) annotations['threshold'] = String(alert.threshold);
  if (notice.kind === 'flapping') annotations['flapping'] = 'true';
  if (alert.dependents && alert.dependents.length > 0) annotations['dependents'] = alert.dependents.join(',');
  return {
    status: alert.status,
    labels,
    annotations,
    startsAt: new Date(alert.startsAt).toISOString(),
    endsAt: alert.endsAt === null ? NO_END : new Date(alert.endsAt).toISOString(),
    generatorURL: externalUrl,
    fingerprint: fingerprint(alert.key),
  };
}

function common(maps: Array<Record<string, string>>): Record<string, string> {
  const [first, ...rest] = maps;
  if (!first) return {};
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(first)) if (rest.every((m) => m[name] === value)) result[name] = value;
  return result;
}

// Alertmanager's fingerprints are 16 hex digits; FNV-1a 64 of the key keeps that shape and is stable.
function fingerprint(key: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
