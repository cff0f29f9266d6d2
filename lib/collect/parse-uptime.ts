import { parseUnsignedDecimalIn } from './parse-count.ts';
import { fieldBounds } from './split-fields.ts';

/** The first field's bounds of the line being read (fieldBounds). */
const bounds: number[] = [];

/** Seconds since boot, the first field of /proc/uptime ("33.89 533.51"): of the first line that is not blank. */
export function parseUptime(text: string): number | null {
  return parseUptimeIn(text, 0, text.length);
}

/** parseUptime of text.slice(start, end), without the copy. */
export function parseUptimeIn(text: string, start: number, end: number): number | null {
  for (let lineStart = start; lineStart <= end;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 || newline > end ? end : newline;
    if (fieldBounds(text, lineStart, lineEnd, bounds, 1) > 0) return parseUnsignedDecimalIn(text, bounds[0] as number, bounds[1] as number);
    lineStart = lineEnd + 1;
  }
  return null;
}
