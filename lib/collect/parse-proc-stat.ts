import type { CpuTimes } from './sample.ts';
import { countInField, fieldBounds, forEachLine } from './split-fields.ts';

export interface ProcStat {
  cpuTotal: CpuTimes;
  /** Number of `cpuN` lines (online CPUs), or null when the host printed none. */
  cpuCount: number | null;
  /** The `cpuN` lines in order; a malformed one makes the list null rather than shifting the others. */
  cpuPerCore: CpuTimes[] | null;
}

/** user nice system idle iowait irq softirq steal guest guest_nice. */
const TIME_FIELDS = 10;
/** The field bounds of the line being parsed (fieldBounds); only read before the next line's. */
const bounds: number[] = [];

/**
 * The aggregate `cpu` line of /proc/stat and the count of per-CPU lines.
 * Kernels before 2.6.33 print fewer than ten fields; the absent ones are zero. Fewer than four
 * (user nice system idle) is not /proc/stat.
 */
export function parseProcStat(text: string): ProcStat | null {
  let cpuTotal: CpuTimes | null = null;
  let cpuCount = 0;
  let cpuPerCore: CpuTimes[] | null = [];
  // Numbers are read in place, not split out: a 64-core host has 65 lines of 11 fields here on every poll.
  forEachLine(text, (start, end) => {
    if (!text.startsWith('cpu', start)) return;
    const count = fieldBounds(text, start, end, bounds, TIME_FIELDS + 1);
    // The line starts with "cpu", so the label is the first field and starts with the line.
    const labelEnd = bounds[1] as number;
    if (labelEnd === start + 3) {
      cpuTotal ??= parseCpuTimes(text, count);
    } else if (allDigits(text, start + 3, labelEnd)) {
      cpuCount++;
      const times = parseCpuTimes(text, count);
      if (times === null) cpuPerCore = null;
      else cpuPerCore?.push(times);
    }
  });
  if (cpuTotal === null) return null;
  return { cpuTotal, cpuCount: cpuCount > 0 ? cpuCount : null, cpuPerCore: cpuCount > 0 ? cpuPerCore : null };
}

/** The times after the label, from the line's `count` fields in `bounds`. */
function parseCpuTimes(text: string, count: number): CpuTimes | null {
  if (count < 5) return null;
  const user = timeAt(text, count, 1);
  const nice = timeAt(text, count, 2);
  const system = timeAt(text, count, 3);
  const idle = timeAt(text, count, 4);
  const iowait = timeAt(text, count, 5);
  const irq = timeAt(text, count, 6);
  const softirq = timeAt(text, count, 7);
  const steal = timeAt(text, count, 8);
  const guest = timeAt(text, count, 9);
  const guestNice = timeAt(text, count, 10);
  if (user === null || nice === null || system === null || idle === null || iowait === null || irq === null || softirq === null
    || steal === null || guest === null || guestNice === null) return null;
  return { user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice };
}

/** A field the kernel did not print is 0; a malformed one null. */
function timeAt(text: string, count: number, field: number): number | null {
  return field < count ? countInField(text, bounds, field) : 0;
}

/** /^\d+$/ on text[start, end). */
function allDigits(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
