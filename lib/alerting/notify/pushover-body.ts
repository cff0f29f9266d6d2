// A Pushover message (https://pushover.net/api): the application's token and the user's key from
// the receiver, plain text within Pushover's limits (a title of 250 characters, a message of 1,024),
// and a priority from the severity: high (1) for critical, which sounds through quiet hours;
// normal for warning; low (-1, no sound) for info and recoveries.
import { chatLines } from './chat-lines.ts';
import { noticeLevel, type Notice, type NoticeLevel } from './notice.ts';

export const PUSHOVER_MESSAGES_URL = 'https://api.pushover.net/1/messages.json';

export interface PushoverBody {
  token: string;
  user: string;
  title: string;
  message: string;
  priority: -1 | 0 | 1;
}

const PUSHOVER_PRIORITY: Record<NoticeLevel, PushoverBody['priority']> = { critical: 1, warning: 0, info: -1, resolved: -1 };

export function renderPushoverBody(notice: Notice, token: string, userKey: string): PushoverBody {
  const { title, lines, more } = chatLines(notice, (text) => text, { maxLines: 10, maxChars: 1000 });
  return {
    token,
    user: userKey,
    title: title.length > 250 ? `${title.slice(0, 249)}…` : title,
    message: [...lines, ...(more ? [more] : [])].join('\n').slice(0, 1024),
    priority: PUSHOVER_PRIORITY[noticeLevel(notice)],
  };
}
