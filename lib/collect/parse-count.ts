// Number parsing shared by the section parsers. Strict on purpose: Number() accepts '', ' ',
// '0x1f', '1e3' and 'Infinity', none of which a /proc file or df ever prints.

const UNSIGNED_INTEGER = /^\d{1,20}$/;
const UNSIGNED_DECIMAL = /^\d{1,20}(?:\.\d{1,20})?$/;

/** A non-negative integer such as a /proc counter, or null. Counters beyond 2^53 lose precision but stay finite. */
export function parseCount(text: string | undefined): number | null {
  if (text === undefined || !UNSIGNED_INTEGER.test(text)) return null;
  return Number(text);
}

/** A non-negative decimal such as "0.15" or "33.89", or null. */
export function parseUnsignedDecimal(text: string | undefined): number | null {
  if (text === undefined || !UNSIGNED_DECIMAL.test(text)) return null;
  return Number(text);
}
