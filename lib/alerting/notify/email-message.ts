// The e-mail for one notice: a subject people can triage from the inbox
// (`[CRITICAL] web-1: cpu-high`), and the same content as plain text and as HTML.
import { escapeHtml } from '../../escape-html.ts';
import { formatLabels, highestSeverity, type Notice, type NoticeAlert } from './notice.ts';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

const MAX_SUBJECT_LENGTH = 200;

export function renderEmail(notice: Notice): EmailMessage {
  const { alerts } = notice;
  const first = alerts[0];
  if (!first) throw new Error('a notice lists at least one alert');
  const tag = subjectTag(notice);
  const hosts = unique(alerts.map((a) => a.host));
  const rules = unique(alerts.map((a) => a.rule));
  let what: string;
  if (alerts.length === 1) what = `${first.host}: ${first.rule}`;
  else if (rules.length === 1) what = `${first.rule} on ${hosts.length === 1 ? first.host : `${hosts.length} hosts`} (${alerts.length} alerts)`;
  else what = `${first.host}: ${first.rule} and ${alerts.length - 1} more`;
  const suffix = notice.kind === 'reminder' ? ' (still firing)' : notice.kind === 'escalated' ? ' (escalated: not acknowledged)' : '';
  return { subject: oneLine(`[${tag}] ${what}${suffix}`), text: renderText(notice), html: renderHtml(notice) };
}

function subjectTag(notice: Notice): string {
  if (notice.kind === 'resolved') return 'RESOLVED';
  if (notice.kind === 'flapping') return 'FLAPPING';
  return highestSeverity(notice.alerts).toUpperCase();
}

function heading(notice: Notice): string {
  const n = notice.alerts.length;
  const alerts = n === 1 ? '1 alert' : `${n} alerts`;
  switch (notice.kind) {
    case 'firing':
      return `${alerts} firing`;
    case 'reminder':
      return `${alerts} still firing`;
    case 'resolved':
      return `${alerts} resolved`;
    case 'flapping':
      return `${alerts} flapping (changing state too often; no more notices until it settles)`;
    case 'escalated':
      return `${alerts} still firing and not acknowledged: escalated to you`;
  }
}

function alertLine(alert: NoticeAlert): string {
  const labels = formatLabels(alert.labels);
  return `${alert.severity.toUpperCase()} ${alert.host}: ${alert.rule}${labels ? ` [${labels}]` : ''}`;
}

function alertTimes(alert: NoticeAlert): string {
  const since = `since ${new Date(alert.startsAt).toISOString()}`;
  return alert.endsAt === null ? since : `${since}, resolved ${new Date(alert.endsAt).toISOString()}`;
}

function renderText(notice: Notice): string {
  const lines = [`Vigil: ${heading(notice)}`, ''];
  for (const alert of notice.alerts) {
    lines.push(`- ${alertLine(alert)}`);
    if (alert.summary) lines.push(`  ${alert.summary}`);
    if (alert.dependents && alert.dependents.length > 0) lines.push(`  ${dependentsLine(alert.dependents)}`);
    lines.push(`  ${alertTimes(alert)}`);
  }
  lines.push('', `Receiver: ${notice.receiver}`);
  return lines.join('\n') + '\n';
}

function renderHtml(notice: Notice): string {
  const rows = notice.alerts
    .map(
      (alert) =>
        `<tr><td><b>${escapeHtml(alert.severity.toUpperCase())}</b></td><td>${escapeHtml(alert.host)}</td><td>${escapeHtml(alert.rule)}</td>` +
        `<td>${escapeHtml(formatLabels(alert.labels))}</td><td>${escapeHtml(alert.summary)}` +
        `${alert.dependents && alert.dependents.length > 0 ? `<br>${escapeHtml(dependentsLine(alert.dependents))}` : ''}</td>` +
        `<td>${escapeHtml(alertTimes(alert))}</td></tr>`,
    )
    .join('\n');
  return [
    '<!doctype html>',
    '<html><body>',
    `<h2>Vigil: ${escapeHtml(heading(notice))}</h2>`,
    '<table border="1" cellpadding="4" cellspacing="0">',
    '<tr><th>Severity</th><th>Host</th><th>Rule</th><th>Labels</th><th>Summary</th><th>When</th></tr>',
    rows,
    '</table>',
    `<p>Receiver: ${escapeHtml(notice.receiver)}</p>`,
    '</body></html>',
  ].join('\n');
}

/** The hosts behind a bastion, whose own alerts this one stands for. */
function dependentsLine(dependents: string[]): string {
  return `Behind it (their own alerts held back): ${dependents.join(', ')}`;
}

// A host or rule name carrying a line break must not start a new mail header.
function oneLine(value: string): string {
  const flat = value.replace(/[\r\n\t]+/g, ' ');
  return flat.length > MAX_SUBJECT_LENGTH ? flat.slice(0, MAX_SUBJECT_LENGTH - 1) + '…' : flat;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
