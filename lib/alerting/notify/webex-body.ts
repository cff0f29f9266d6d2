// A Webex message from a bot (POST https://webexapis.com/v1/messages with the bot's token as
// Authorization: Bearer …): markdown to the receiver's room_id, within the 7,439 bytes Webex takes
// for a message's markdown. Bytes, not characters: '—' and '…' are three each.
import { chatLines } from './chat-lines.ts';
import type { Notice } from './notice.ts';

export const WEBEX_MESSAGES_URL = 'https://webexapis.com/v1/messages';

export interface WebexBody {
  roomId: string;
  markdown: string;
}

const MAX_BYTES = 7439;

export function renderWebexBody(notice: Notice, roomId: string): WebexBody {
  const { title, lines, more } = chatLines(notice, escapeWebex, { maxLines: 50, maxChars: MAX_BYTES - 10, measure: (text) => Buffer.byteLength(text) });
  return { roomId, markdown: [`**${title}**`, ...lines.map((line) => `- ${line}`), ...(more ? [more] : [])].join('\n') };
}

// Markdown's characters lose their meaning behind a backslash. Webex writes mentions as <@all> and
// <@personEmail:…>, so no `<` or `>` is left at all: they become entities, as does `&` so that
// text reading like an entity stays text.
export function escapeWebex(value: string): string {
  return value.replace(/[\\*_~`|#[\]()!]/g, (c) => `\\${c}`).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
