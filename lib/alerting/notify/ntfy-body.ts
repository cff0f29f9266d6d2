// An ntfy notification, published as JSON (https://docs.ntfy.sh/publish/#publish-as-json): the
// webhook's url names the topic (https://ntfy.sh/mytopic) and the body goes to the server's root
// with the topic inside, a title, a priority from the severity and an emoji tag.
import { chatLines } from './chat-lines.ts';
import { noticeLevel, type Notice, type NoticeLevel } from './notice.ts';

export interface NtfyRequest {
  url: string;
  body: { topic: string; title: string; message: string; priority: 1 | 2 | 3 | 4 | 5; tags: string[] };
}

/** The server's root and the topic of a topic URL; null when the URL names no single topic. */
export function ntfyTopic(url: string): { root: string; topic: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  const topic = segments.at(-1);
  if (topic === undefined || !/^[-_A-Za-z0-9]{1,64}$/.test(topic)) return null;
  const root = new URL(parsed.href);
  root.pathname = `/${segments.slice(0, -1).map((s) => `${s}/`).join('')}`;
  root.search = '';
  root.hash = '';
  return { root: root.href, topic };
}

const NTFY_PRIORITY: Record<NoticeLevel, NtfyRequest['body']['priority']> = { critical: 5, warning: 4, info: 3, resolved: 3 };

export function renderNtfyRequest(notice: Notice, url: string): NtfyRequest {
  const target = ntfyTopic(url);
  if (target === null) throw new Error('the ntfy webhook\'s url names no topic');
  // ntfy turns a message over 4,096 bytes into an attachment; plain text, so nothing to escape.
  const { title, lines, more } = chatLines(notice, (text) => text, { maxLines: 30, maxChars: 1300 });
  const resolved = notice.kind === 'resolved';
  return {
    url: target.root,
    body: {
      topic: target.topic,
      title,
      message: [...lines, ...(more ? [more] : [])].join('\n'),
      priority: NTFY_PRIORITY[noticeLevel(notice)],
      tags: [resolved ? 'white_check_mark' : notice.kind === 'flapping' ? 'warning' : 'rotating_light'],
    },
  };
}
