import { parseCountIn } from './parse-count.ts';
import { isSpace } from './split-fields.ts';

export interface Meminfo {
  totalBytes: number;
  availableBytes: number;
  freeBytes: number;
  buffersBytes: number;
  cachedBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

const KEYS = ['MemTotal', 'MemFree', 'MemAvailable', 'Buffers', 'Cached', 'SwapTotal', 'SwapFree'] as const;
const MEM_TOTAL = 0;
const MEM_FREE = 1;
const MEM_AVAILABLE = 2;
const BUFFERS = 3;
const CACHED = 4;
const SWAP_TOTAL = 5;
const SWAP_FREE = 6;
/** The kB of each of KEYS, by index, while a text is parsed; -1 for none yet. */
const kib: number[] = KEYS.map(() => -1);

/**
 * /proc/meminfo, kB converted to bytes. MemTotal and MemFree are required. MemAvailable appeared
 * in Linux 3.14; before it, available is estimated as MemFree + Buffers + Cached (what `free`
 * showed as "-/+ buffers/cache"). Absent swap lines mean no swap.
 *
 * A line of one of KEYS is the key and colon, then the number of kB: /^[A-Za-z0-9_()]+:\s+(\d+)(?: kB)?\s*$/,
 * read in place (every poll has one meminfo, of some fifty lines).
 */
export function parseMeminfo(text: string): Meminfo | null {
  return parseMeminfoIn(text, 0, text.length);
}

/** parseMeminfo of text.slice(start, end), without the copy. */
export function parseMeminfoIn(text: string, start: number, end: number): Meminfo | null {
  kib.fill(-1);
  for (let lineStart = start; lineStart <= end;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 || newline > end ? end : newline;
    const key = keyAt(text, lineStart, lineEnd);
    if (key >= 0 && kib[key] === -1) {
      const value = kibIn(text, lineStart + (KEYS[key] as string).length + 1, lineEnd);
      if (value !== null) kib[key] = value;
    }
    lineStart = lineEnd + 1;
  }
  const total = kib[MEM_TOTAL] ?? -1;
  const free = kib[MEM_FREE] ?? -1;
  if (total < 0 || free < 0) return null;
  const buffers = orZero(kib[BUFFERS]);
  const cached = orZero(kib[CACHED]);
  const available = kib[MEM_AVAILABLE] ?? -1;
  return {
    totalBytes: total * 1024,
    availableBytes: (available >= 0 ? available : Math.min(total, free + buffers + cached)) * 1024,
    freeBytes: free * 1024,
    buffersBytes: buffers * 1024,
    cachedBytes: cached * 1024,
    swapTotalBytes: orZero(kib[SWAP_TOTAL]) * 1024,
    swapFreeBytes: orZero(kib[SWAP_FREE]) * 1024,
  };
}

function orZero(value: number | undefined): number {
  return value === undefined || value < 0 ? 0 : value;
}

/** Which of KEYS the line text[start, end) is about ("MemTotal:" and so on), as its index, or -1. */
function keyAt(text: string, start: number, end: number): number {
  if (start >= end) return -1;
  // Only the keys with the line's first letter are tried (KEYS is grouped by it); most of meminfo's lines start with another.
  const first = text.charCodeAt(start);
  const from = first === 77 /* M */ ? MEM_TOTAL : first === 66 /* B */ ? BUFFERS : first === 67 /* C */ ? CACHED : first === 83 /* S */ ? SWAP_TOTAL : -1;
  if (from < 0) return -1;
  const to = first === 77 /* M */ ? MEM_AVAILABLE : first === 83 /* S */ ? SWAP_FREE : from;
  for (let key = from; key <= to; key++) {
    const name = KEYS[key] as string;
    if (start + name.length < end && text.startsWith(name, start) && text.charCodeAt(start + name.length) === 58 /* : */) return key;
  }
  return -1;
}

/** The count of the rest of a key's line after its colon, text[from, end): whitespace, digits, an optional " kB", whitespace. */
function kibIn(text: string, from: number, end: number): number | null {
  let i = from;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (i === from) return null;
  const digitsStart = i;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  const digitsEnd = i;
  if (digitsEnd === digitsStart) return null;
  if (text.startsWith(' kB', i) && i + 3 <= end) i += 3;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i === end ? parseCountIn(text, digitsStart, digitsEnd) : null;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
