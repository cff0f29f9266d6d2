// Number parsing shared by the section parsers. Strict on purpose: Number() accepts '', ' ',
// '0x1f', '1e3' and 'Infinity', none of which a /proc file or df ever prints.

const MAX_DIGITS = 20;

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
  return text === undefined ? null : parseUnsignedDecimalIn(text, 0, text.length);
}

/** 10^0 to 10^15, each exact. */
const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * parseUnsignedDecimal of text.slice(start, end): /^\d{1,20}(?:\.\d{1,20})?$/, checked with a loop
 * (pressure files alone hold 18 of these per poll), and the value Number() gives it.
 */
export function parseUnsignedDecimalIn(text: string, start: number, end: number): number | null {
  // The digits, point left out, as one integer.
  let digits = 0;
  let i = start;
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) break;
    digits = digits * 10 + (code - 48);
  }
  const integerLength = i - start;
  if (integerLength === 0 || integerLength > MAX_DIGITS) return null;
  if (i === end) return integerLength > 15 ? Number(text.slice(start, end)) : digits;
  if (text.charCodeAt(i) !== 46 /* . */) return null;
  const point = i;
  for (i++; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return null;
    digits = digits * 10 + (code - 48);
  }
  const fractionLength = end - point - 1;
  if (fractionLength === 0 || fractionLength > MAX_DIGITS) return null;
  // Up to 15 digits, the integer and the power of ten are exact, so one division rounds as Number() does.
  return integerLength + fractionLength > 15 ? Number(text.slice(start, end)) : digits / (POWERS_OF_TEN[fractionLength] as number);
}
