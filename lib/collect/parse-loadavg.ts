import { parseCount, parseUnsignedDecimal } from './parse-count.ts';

export interface Loadavg {
  load1: number;
  load5: number;
  load15: number;
  /** Runnable scheduling entities now ("2" of "2/345"). */
  runnable: number;
  /** Scheduling entities that exist ("345" of "2/345"). */
  total: number;
}

/** /proc/loadavg: "0.15 0.31 0.17 1/144 10802". The last field (newest pid) is not used. */
export function parseLoadavg(text: string): Loadavg | null {
  const line = text.split('\n').find((l) => l.trim() !== '');
  if (line === undefined) return null;
  const [one, five, fifteen, entities] = line.trim().split(/\s+/);
  const load1 = parseUnsignedDecimal(one);
  const load5 = parseUnsignedDecimal(five);
  const load15 = parseUnsignedDecimal(fifteen);
  const [runnableText, totalText] = (entities ?? '').split('/');
  const runnable = parseCount(runnableText);
  const total = parseCount(totalText);
  if (load1 === null || load5 === null || load15 === null || runnable === null || total === null) return null;
  return { load1, load5, load15, runnable, total };
}
