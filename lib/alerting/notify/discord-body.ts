// A Discord webhook body: `content` in Discord's markdown, at most 2,000 characters, with
// mentions turned off so that no host name or summary can ping @everyone or a role.
import { chatLines } from './chat-lines.ts';
import type { Notice } from './notice.ts';

export interface DiscordBody {
  content: string;
  allowed_mentions: { parse: [] };
}

const MAX_CHARS = 2000;

export function renderDiscordBody(notice: Notice): DiscordBody {
  const { title, lines, more } = chatLines(notice, escapeDiscord, { maxLines: 30, maxChars: MAX_CHARS - 10 });
  return { content: [`**${title}**`, ...lines.map((line) => `- ${line}`), ...(more ? [more] : [])].join('\n'), allowed_mentions: { parse: [] } };
}

// Markdown characters, links' brackets and mentions' `@` lose their meaning behind a backslash.
export function escapeDiscord(value: string): string {
  return value.replace(/[\\*_~`|>#[\]()<@]/g, (c) => `\\${c}`);
}
