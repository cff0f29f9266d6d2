import { parseUnsignedDecimal } from './parse-count.ts';

/** Seconds since boot, the first field of /proc/uptime ("33.89 533.51"). */
export function parseUptime(text: string): number | null {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (line === undefined) return null;
  const [seconds] = line.trim().split(/\s+/);
  return parseUnsignedDecimal(seconds);
}
