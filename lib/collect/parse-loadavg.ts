import { parseCountIn, parseUnsignedDecimalIn } from './parse-count.ts';
import { fieldBounds } from './split-fields.ts';

export interface Loadavg {
  load1: number;
  load5: number;
  load15: number;
  /** Runnable scheduling entities now ("2" of "2/345"). */
  runnable: number;
  /** Scheduling entities that exist ("345" of "2/345"). */
  total: number;
}

/** The first four fields' bounds of the line being read (fieldBounds). */
const bounds: number[] = [];

/**
 * /proc/loadavg: "0.15 0.31 0.17 1/144 10802". The last field (newest pid) is not used. The first
 * line that is not blank is read; its fields are read in place (every poll has one).
 */
export function parseLoadavg(text: string): Loadavg | null {
  return parseLoadavgIn(text, 0, text.length);
}

/** parseLoadavg of text.slice(start, end), without the copy. */
export function parseLoadavgIn(text: string, start: number, end: number): Loadavg | null {
  let count = 0;
  for (let lineStart = start; lineStart <= end && count === 0;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 || newline > end ? end : newline;
    count = fieldBounds(text, lineStart, lineEnd, bounds, 4);
    lineStart = lineEnd + 1;
  }
  if (count < 4) return null;
  const load1 = parseUnsignedDecimalIn(text, bounds[0] as number, bounds[1] as number);
  const load5 = parseUnsignedDecimalIn(text, bounds[2] as number, bounds[3] as number);
  const load15 = parseUnsignedDecimalIn(text, bounds[4] as number, bounds[5] as number);
  // "runnable/total": a third part, as in "1/2/3", is ignored.
  const entitiesStart = bounds[6] as number;
  const entitiesEnd = bounds[7] as number;
  const slash = text.indexOf('/', entitiesStart);
  if (slash < 0 || slash >= entitiesEnd) return null;
  const secondSlash = text.indexOf('/', slash + 1);
  const runnable = parseCountIn(text, entitiesStart, slash);
  const total = parseCountIn(text, slash + 1, secondSlash < 0 || secondSlash > entitiesEnd ? entitiesEnd : secondSlash);
  if (load1 === null || load5 === null || load15 === null || runnable === null || total === null) return null;
  return { load1, load5, load15, runnable, total };
}
