// Whitespace-separated fields without a regex: every poll splits hundreds of /proc lines, and
// `line.trim().split(/\s+/)` costs several times this scan (and a trimmed copy of each line).

/**
 * Exactly `text.trim().split(/\s+/)`: the runs of non-whitespace, whitespace as `\s` defines it;
 * [''] when there are none.
 */
export function splitFields(text: string, start = 0, end = text.length): string[] {
  const fields: string[] = [];
  let i = start;
  while (i < end) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) break;
    const fieldStart = i;
    while (i < end && !isSpace(text.charCodeAt(i))) i++;
    fields.push(text.slice(fieldStart, i));
  }
  if (fields.length === 0) fields.push('');
  return fields;
}

/** Exactly JavaScript's `\s`: WhiteSpace and LineTerminator. */
export function isSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029
    || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}
