// A Slack incoming-webhook body: `{ text }` in Slack's mrkdwn, which Mattermost and Rocket.Chat
// accept too.
import { chatLines } from './chat-lines.ts';
import type { Notice } from './notice.ts';

export interface SlackBody {
  text: string;
}

export function renderSlackBody(notice: Notice): SlackBody {
  // Slack cuts a message's text at 40,000 characters.
  const { title, lines, more } = chatLines(notice, escapeSlack, { maxLines: 50, maxChars: 39_000 });
  return { text: [`*${title}*`, ...lines.map((line) => `• ${line}`), ...(more ? [more] : [])].join('\n') };
}

// Slack reads <…> as links and mentions (<!channel>); these three are the escapes it defines.
export function escapeSlack(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
