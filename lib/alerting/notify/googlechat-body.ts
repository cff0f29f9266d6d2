// A Google Chat space's incoming webhook (the url the space gives, with its key and token): a
// text message `{ text }` in Chat's own markup, which incoming webhooks use (*bold*, _italic_),
// within the 4,096 characters a Chat message holds.
import { chatLines } from './chat-lines.ts';
import type { Notice } from './notice.ts';

export interface GoogleChatBody {
  text: string;
}

const MAX_CHARS = 4096;

export function renderGoogleChatBody(notice: Notice): GoogleChatBody {
  const { title, lines, more } = chatLines(notice, escapeGoogleChat, { maxLines: 50, maxChars: MAX_CHARS - 10 });
  return { text: [`*${title}*`, ...lines.map((line) => `• ${line}`), ...(more ? [more] : [])].join('\n') };
}

// Chat's text has no escape character, and <…> is how it writes links and mentions
// (<users/all> notifies everyone in the space): the angle brackets become look-alikes that mean nothing.
export function escapeGoogleChat(value: string): string {
  return value.replace(/</g, '‹').replace(/>/g, '›');
}
