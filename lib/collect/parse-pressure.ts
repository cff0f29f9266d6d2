import type { PressureAverages, ResourcePressure } from './sample.ts';
import { parseUnsignedDecimal } from './parse-count.ts';

/** One /proc/pressure/<resource> file: "some avg10=0.26 avg60=0.42 avg300=0.12 total=730505" and a "full" line. */
export function parsePressure(text: string): ResourcePressure | null {
  let some: PressureAverages | null = null;
  let full: PressureAverages | null = null;
  for (const line of text.split('\n')) {
    const match = /^(some|full) avg10=(\S+) avg60=(\S+) avg300=(\S+)/.exec(line);
    if (match === null) continue;
    const avg10 = parseUnsignedDecimal(match[2]);
    const avg60 = parseUnsignedDecimal(match[3]);
    const avg300 = parseUnsignedDecimal(match[4]);
    if (avg10 === null || avg60 === null || avg300 === null) continue;
    const averages = { avg10: Math.min(avg10, 100), avg60: Math.min(avg60, 100), avg300: Math.min(avg300, 100) };
    if (match[1] === 'some') some ??= averages;
    else full ??= averages;
  }
  return some === null ? null : { some, full };
}
