// A Telegram Bot API sendMessage body (the webhook's url is
// https://api.telegram.org/bot<token>/sendMessage): HTML text of at most 4,096 characters to the
// receiver's chat_id, without link previews.
import { chatLines } from './chat-lines.ts';
import { escapeHtml } from '../../escape-html.ts';
import type { Notice } from './notice.ts';

export interface TelegramBody {
  chat_id: string;
  text: string;
  parse_mode: 'HTML';
  link_preview_options: { is_disabled: true };
}

export function renderTelegramBody(notice: Notice, chatId: string): TelegramBody {
  // Counted after escaping, as Telegram counts entities' text: a safe bound.
  const { title, lines, more } = chatLines(notice, escapeHtml, { maxLines: 30, maxChars: 4000 });
  return {
    chat_id: chatId,
    text: [`<b>${title}</b>`, ...lines.map((line) => `• ${line}`), ...(more ? [more] : [])].join('\n'),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  };
}
