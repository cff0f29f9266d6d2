// A Slack incoming-webhook body: `{ text }` in Slack's mrkdwn, which Mattermost and Rocket.Chat
// accept too.
import { renderEmail } from './email-message.ts';
import { formatLabels, type Notice } from './notice.ts';

export interface SlackBody {
  text: string;
}

const MAX_LINES = 50;

export function renderSlackBody(notice: Notice): SlackBody {
  const { subject } = renderEmail(notice);
  const lines = [`*${escapeSlack(subject)}*`];
  for (const alert of notice.alerts.slice(0, MAX_LINES)) {
    const labels = formatLabels(alert.labels);
    const name = `${alert.host}: ${alert.rule}${labels ? ` [${labels}]` : ''}`;
    lines.push(`• ${escapeSlack(name)}${alert.summary ? ` — ${escapeSlack(alert.summary)}` : ''}`);
  }
  if (notice.alerts.length > MAX_LINES) lines.push(`…and ${notice.alerts.length - MAX_LINES} more`);
  return { text: lines.join('\n') };
}

// Slack reads <…> as links and mentions (<!channel>); these three are the escapes it defines.
export function escapeSlack(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
