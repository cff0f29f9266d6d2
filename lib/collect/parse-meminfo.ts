import { parseCount } from './parse-count.ts';
import { forEachLine } from './split-fields.ts';

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
/** A line of one of KEYS: the key and colon, then the number of kB. */
const LINE = /^[A-Za-z0-9_()]+:\s+(\d+)(?: kB)?\s*$/;

/**
 * /proc/meminfo, kB converted to bytes. MemTotal and MemFree are required. MemAvailable appeared
 * in Linux 3.14; before it, available is estimated as MemFree + Buffers + Cached (what `free`
 * showed as "-/+ buffers/cache"). Absent swap lines mean no swap.
 */
export function parseMeminfo(text: string): Meminfo | null {
  const kib = new Map<string, number>();
  forEachLine(text, (start, end) => {
    // Only the lines read below go through the regex: meminfo has dozens more.
    const key = keyAt(text, start);
    if (key === null || kib.has(key)) return;
    const match = LINE.exec(text.slice(start, end));
    const value = parseCount(match?.[1]);
    if (value !== null) kib.set(key, value);
  });
  const total = kib.get('MemTotal');
  const free = kib.get('MemFree');
  if (total === undefined || free === undefined) return null;
  const buffers = kib.get('Buffers') ?? 0;
  const cached = kib.get('Cached') ?? 0;
  const available = kib.get('MemAvailable') ?? Math.min(total, free + buffers + cached);
  return {
    totalBytes: total * 1024,
    availableBytes: available * 1024,
    freeBytes: free * 1024,
    buffersBytes: buffers * 1024,
    cachedBytes: cached * 1024,
    swapTotalBytes: (kib.get('SwapTotal') ?? 0) * 1024,
    swapFreeBytes: (kib.get('SwapFree') ?? 0) * 1024,
  };
}

/** Which of KEYS the line at `start` is about ("MemTotal:" and so on), or null. */
function keyAt(text: string, start: number): string | null {
  for (const key of KEYS) {
    if (text.startsWith(key, start) && text.charCodeAt(start + key.length) === 58 /* : */) return key;
  }
  return null;
}
