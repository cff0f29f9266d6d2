import type { CpuTimes, KernelActivity } from './sample.ts';
import { parseCountIn } from './parse-count.ts';
import { countFields } from './split-fields.ts';

export interface ProcStat {
  cpuTotal: CpuTimes;
  /** Number of `cpuN` lines (online CPUs), or null when the host printed none. */
  cpuCount: number | null;
  /** The `cpuN` lines in order; a malformed one makes the list null rather than shifting the others. */
  cpuPerCore: CpuTimes[] | null;
  /** The kernel's activity counters and levels below the cpu lines; each null when absent or malformed (or cut off by the byte cap). */
  activity: KernelActivity;
  /**
   * `btime`: when the host booted, in whole seconds by the host's own clock. The kernel derives it
   * from the clock as it is now, so btime plus uptime is the host's time: the way to its clock's offset.
   */
  bootTimeSec: number | null;
}

/** user nice system idle iowait irq softirq steal guest guest_nice. */
const TIME_FIELDS = 10;
/** The counts and field bounds of the line being parsed (countFields); only read before the next line's. */
const counts: number[] = [];
const bounds: number[] = [];

/**
 * The aggregate `cpu` line of /proc/stat and the count of per-CPU lines.
 * Kernels before 2.6.33 print fewer than ten fields; the absent ones are zero. Fewer than four
 * (user nice system idle) is not /proc/stat.
 */
export function parseProcStat(text: string): ProcStat | null {
  return parseProcStatIn(text, 0, text.length);
}

/** parseProcStat of text.slice(start, end), without the copy. */
export function parseProcStatIn(text: string, start: number, end: number): ProcStat | null {
  let cpuTotal: CpuTimes | null = null;
  let cpuCount = 0;
  let cpuPerCore: CpuTimes[] | null = [];
  const activity: KernelActivity = { contextSwitches: null, interrupts: null, forks: null, procsBlocked: null };
  let bootTimeSec: number | null = null;
  // Numbers are read in place, not split out: a 64-core host has 65 lines of 11 fields here on every poll.
  for (let lineStart = start; lineStart <= end;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 || newline > end ? end : newline;
    const first = text.charCodeAt(lineStart);
    if (first !== 99 /* c */) {
      // intr, ctxt, processes, procs_blocked: one leading counter each ("intr" has thousands after it on big hosts).
      if (first === 105 /* i */ && text.startsWith('intr ', lineStart)) activity.interrupts = leadingCount(text, lineStart + 5, lineEnd);
      else if (first === 112 /* p */ && text.startsWith('processes ', lineStart)) activity.forks = leadingCount(text, lineStart + 10, lineEnd);
      else if (first === 112 && text.startsWith('procs_blocked ', lineStart)) activity.procsBlocked = leadingCount(text, lineStart + 14, lineEnd);
      else if (first === 98 /* b */ && text.startsWith('btime ', lineStart)) bootTimeSec = leadingCount(text, lineStart + 6, lineEnd);
      lineStart = lineEnd + 1;
      continue;
    }
    if (text.startsWith('ctxt ', lineStart)) {
      activity.contextSwitches = leadingCount(text, lineStart + 5, lineEnd);
    } else if (lineEnd - lineStart >= 3 && text.startsWith('cpu', lineStart)) {
      const count = countFields(text, lineStart, lineEnd, counts, bounds, TIME_FIELDS + 1);
      // The line starts with "cpu", so the label is the first field and starts with the line.
      const labelEnd = bounds[1] as number;
      if (labelEnd === lineStart + 3) {
        cpuTotal ??= parseCpuTimes(count);
      } else if (allDigits(text, lineStart + 3, labelEnd)) {
        cpuCount++;
        const times = parseCpuTimes(count);
        if (times === null) cpuPerCore = null;
        else cpuPerCore?.push(times);
      }
    }
    lineStart = lineEnd + 1;
  }
  if (cpuTotal === null) return null;
  return { cpuTotal, cpuCount: cpuCount > 0 ? cpuCount : null, cpuPerCore: cpuCount > 0 ? cpuPerCore : null, activity, bootTimeSec };
}

/** The count that text[start, end) starts with, up to the first space: intr's total is followed by one count per interrupt. */
function leadingCount(text: string, start: number, end: number): number | null {
  const space = text.indexOf(' ', start);
  return parseCountIn(text, start, space < 0 || space > end ? end : space);
}
/** The times after the label, from the line's first `count` fields in `counts`. */
function parseCpuTimes(count: number): CpuTimes | null {
  if (count < 5) return null;
  const user = timeAt(count, 1);
  const nice = timeAt(count, 2);
  const system = timeAt(count, 3);
  const idle = timeAt(count, 4);
  const iowait = timeAt(count, 5);
  const irq = timeAt(count, 6);
  const softirq = timeAt(count, 7);
  const steal = timeAt(count, 8);
  const guest = timeAt(count, 9);
  const guestNice = timeAt(count, 10);
  if (user === null || nice === null || system === null || idle === null || iowait === null || irq === null || softirq === null
    || steal === null || guest === null || guestNice === null) return null;
  return { user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice };
}

/** A field the kernel did not print is 0; a malformed one null. */
function timeAt(count: number, field: number): number | null {
  if (field >= count) return 0;
  const value = counts[field] ?? -1;
  return value < 0 ? null : value;
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
