// A Gotify message (POST /message?token=APP_TOKEN, the token in the webhook's url): plain text, its
// priority from the severity as Gotify's clients read it (8 and up: an alert sound on Android).
import { chatLines } from './chat-lines.ts';
import { highestSeverity, type Notice } from './notice.ts';

export interface GotifyBody {
  title: string;
  message: string;
  priority: number;
  extras: { 'client::display': { contentType: 'text/plain' } };
}

export function renderGotifyBody(notice: Notice): GotifyBody {
  const { title, lines, more } = chatLines(notice, (text) => text, { maxLines: 30, maxChars: 4000 });
  const severity = highestSeverity(notice.alerts);
  return {
    title,
    message: [...lines, ...(more ? [more] : [])].join('\n'),
    priority: notice.kind === 'resolved' ? 2 : severity === 'critical' ? 8 : severity === 'warning' ? 5 : 2,
    extras: { 'client::display': { contentType: 'text/plain' } },
  };
}
