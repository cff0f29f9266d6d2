// A Gotify message (POST /message?token=APP_TOKEN, the token in the webhook's url): plain text, its
// priority from the severity as Gotify's clients read it (8 and up: an alert sound on Android).
import { chatLines } from './chat-lines.ts';
import { noticeLevel, type Notice, type NoticeLevel } from './notice.ts';

export interface GotifyBody {
  title: string;
  message: string;
  priority: number;
  extras: { 'client::display': { contentType: 'text/plain' } };
}

const GOTIFY_PRIORITY: Record<NoticeLevel, number> = { critical: 8, warning: 5, info: 2, resolved: 2 };

export function renderGotifyBody(notice: Notice): GotifyBody {
  const { title, lines, more } = chatLines(notice, (text) => text, { maxLines: 30, maxChars: 4000 });
  return {
    title,
    message: [...lines, ...(more ? [more] : [])].join('\n'),
    priority: GOTIFY_PRIORITY[noticeLevel(notice)],
    extras: { 'client::display': { contentType: 'text/plain' } },
  };
}
