import { parseCount } from './parse-count.ts';

export interface Meminfo {
  totalBytes: number;
  availableBytes: number;
  freeBytes: number;
  buffersBytes: number;
  cachedBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

/**
 * /proc/meminfo, kB converted to bytes. MemTotal and MemFree are required. MemAvailable appeared
 * in Linux 3.14; before it, available is estimated as MemFree + Buffers + Cached (what `free`
 * showed as "-/+ buffers/cache"). Absent swap lines mean no swap.
 */
export function parseMeminfo(text: string): Meminfo | null {
  const kib = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z0-9_()]+):\s+(\d+)(?: kB)?\s*$/.exec(line);
    if (match === null) continue;
    const [, key, digits] = match;
    const value = parseCount(digits);
    if (key !== undefined && value !== null && !kib.has(key)) kib.set(key, value);
  }
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
