import { parseCountIn } from './parse-count.ts';

// Whitespace-separated fields without a regex: every poll splits hundreds of /proc lines, and
// `line.trim().split(/\s+/)` costs several times this scan (and a trimmed copy of each line).

/**
 * Exactly `text.trim().split(/\s+/)`: the runs of non-whitespace, whitespace as `\s` defines it;
 * [''] when there are none.
 */
export function splitFields(text: string, start = 0, end = text.length): string[] {
  const bounds: number[] = [];
  fieldBounds(text, start, end, bounds, Number.POSITIVE_INFINITY);
  const fields: string[] = [];
  for (let i = 0; i < bounds.length; i += 2) fields.push(text.slice(bounds[i], bounds[i + 1]));
  if (fields.length === 0) fields.push('');
  return fields;
}

/**
 * The fields splitFields would return, as bounds instead of copies: `into` is cleared and gets
 * start and end of each of the first `limit` fields, in pairs; the return value counts every field.
 * For the parsers that read numbers straight out of the text: a 64-core host's /proc/stat alone
 * has over 700 fields on every poll.
 */
export function fieldBounds(text: string, start: number, end: number, into: number[], limit: number): number {
  into.length = 0;
  let count = 0;
  let i = start;
  while (i < end) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) break;
    const fieldStart = i;
    while (i < end && !isSpace(text.charCodeAt(i))) i++;
    if (count < limit) into.push(fieldStart, i);
    count++;
  }
  return count;
}

/** Calls `visit` with the bounds of each line, as `text.split('\n')` would cut them, without the copies. */
export function forEachLine(text: string, visit: (start: number, end: number) => void): void {
  for (let start = 0; start <= text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    visit(start, end);
    start = end + 1;
  }
}

/** parseCount of field `field` of the bounds fieldBounds wrote, read in place. */
export function countInField(text: string, bounds: readonly number[], field: number): number | null {
  return parseCountIn(text, bounds[2 * field] as number, bounds[2 * field + 1] as number);
}

/** Fields `from` to `to` - 1 as counts (countInField) into `into`, cleared first; false when one is not a count. */
export function countsInFields(text: string, bounds: readonly number[], from: number, to: number, into: number[]): boolean {
  into.length = 0;
  for (let field = from; field < to; field++) {
    const value = countInField(text, bounds, field);
    if (value === null) return false;
    into.push(value);
  }
  return true;
}

/**
 * The first `limit` fields of text[start, end) read in one pass, for lines that are mostly
 * counters: the count of field k (parseCount's value, or -1 where the field is not a count) goes
 * to counts[k], its bounds to bounds[2k] and bounds[2k + 1]. The arrays are written, not cleared:
 * only the first (return value) entries are this text's. Returns how many fields there are, at
 * most `limit`; the scan stops there. fieldBounds and countInField read each character twice.
 */
export function countFields(text: string, start: number, end: number, counts: number[], bounds: number[], limit: number): number {
  let field = 0;
  let i = start;
  while (field < limit) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) break;
    const fieldStart = i;
    let value = 0;
    let digitsOnly = true;
    for (; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code >= 48 && code <= 57) {
        value = value * 10 + (code - 48);
      } else if (isSpace(code)) {
        break;
      } else {
        digitsOnly = false;
      }
    }
    // Past 15 digits the running sum may round differently from Number()'s correctly rounded result: parseCountIn reads those.
    counts[field] = !digitsOnly ? -1 : i - fieldStart > 15 ? parseCountIn(text, fieldStart, i) ?? -1 : value;
    bounds[2 * field] = fieldStart;
    bounds[2 * field + 1] = i;
    field++;
  }
  return field;
}

/** Exactly JavaScript's `\s`: WhiteSpace and LineTerminator. */
export function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029
    || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}
