// What a chat message says about a notice, in any chat's markup: the mail's subject as a title
// and a line per alert (host: rule [labels] — summary), cut to a number of lines with a count of
// the rest and to the chat's length limit. Each chat passes its own escape for names and texts.
import { renderEmail } from './email-message.ts';
import { alertLineText, cutText, type Notice } from './notice.ts';

export interface ChatLines {
  /** The mail's subject, e.g. `[CRITICAL] host-down on 2 hosts (2 alerts)`, escaped. */
  title: string;
  /** One per alert shown, escaped, without a bullet. */
  lines: string[];
  /** `…and N more` when not every alert fit; null when all did. */
  more: string | null;
}

export interface ChatLimits {
  maxLines: number;
  /** The title and lines together, each line counting one more for its line break. */
  maxChars: number;
  /** How the chat counts the length maxChars bounds: characters unless given (Webex counts UTF-8 bytes). */
  measure?: (text: string) => number;
}

/** An alert's line before escaping, at most. */
const MAX_LINE_CHARS = 300;

export function chatLines(notice: Notice, escape: (text: string) => string, limits: ChatLimits): ChatLines {
  const measure = limits.measure ?? ((text: string) => text.length);
  const title = escape(renderEmail(notice).subject);
  const lines: string[] = [];
  let chars = measure(title);
  // Room kept for the count of what did not fit.
  const reserve = 40;
  for (const alert of notice.alerts) {
    const raw = alertLineText(alert);
    // Cut before escaping, so that no escape is cut in half (Telegram refuses a broken entity), and
    // short enough that one alert always fits the smallest chat even escaped (HTML at most 6 to 1).
    const line = escape(cutText(raw, MAX_LINE_CHARS));
    const length = measure(line);
    if (lines.length === limits.maxLines || chars + 1 + length + 2 > limits.maxChars - reserve) break;
    lines.push(line);
    chars += 1 + length + 2;
  }
  const left = notice.alerts.length - lines.length;
  return { title, lines, more: left > 0 ? `…and ${left} more` : null };
}
