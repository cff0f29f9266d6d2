// Number parsing shared by the section parsers. Strict on purpose: Number() accepts '', ' ',
// '0x1f', '1e3' and 'Infinity', none of which a /proc file or df ever prints.

const MAX_DIGITS = 20;
const UNSIGNED_DECIMAL = /^\d{1,20}(?:\.\d{1,20})?$/;

/** A non-negative integer such as a /proc counter, or null. Counters beyond 2^53 lose precision but stay finite. */
export function parseCount(text: string | undefined): number | null {
  return text === undefined ? null : parseCountIn(text, 0, text.length);
}

/** parseCount of text.slice(start, end), without the copy. */
export function parseCountIn(text: string, start: number, end: number): number | null {
  // A loop, not /^\d{1,20}$/: this runs for nearly every number of every poll.
  const length = end - start;
  if (length <= 0 || length > MAX_DIGITS) return null;
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return null;
    value = value * 10 + (code - 48);
  }
  // Past 15 digits the running sum may round differently from Number()'s correctly rounded result.
  return length > 15 ? Number(text.slice(start, end)) : value;
}

/** A non-negative decimal such as "0.15" or "33.89", or null. */
export function parseUnsignedDecimal(text: string | undefined): number | null {
  if (text === undefined || !UNSIGNED_DECIMAL.test(text)) return null;
  return Number(text);
}
