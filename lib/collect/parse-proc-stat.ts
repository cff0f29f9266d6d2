import type { CpuTimes } from './sample.ts';
import { parseCount } from './parse-count.ts';
import { splitFields } from './split-fields.ts';

export interface ProcStat {
  cpuTotal: CpuTimes;
  /** Number of `cpuN` lines (online CPUs), or null when the host printed none. */
  cpuCount: number | null;
  /** The `cpuN` lines in order; a malformed one makes the list null rather than shifting the others. */
  cpuPerCore: CpuTimes[] | null;
}

const CPU_TIME_FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guestNice'] as const;

/**
 * The aggregate `cpu` line of /proc/stat and the count of per-CPU lines.
 * Kernels before 2.6.33 print fewer than ten fields; the absent ones are zero. Fewer than four
 * (user nice system idle) is not /proc/stat.
 */
export function parseProcStat(text: string): ProcStat | null {
  let cpuTotal: CpuTimes | null = null;
  let cpuCount = 0;
  let cpuPerCore: CpuTimes[] | null = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const fields = splitFields(line);
    const label = fields[0];
    if (label === 'cpu') {
      if (cpuTotal === null) cpuTotal = parseCpuTimes(fields.slice(1));
    } else if (label !== undefined && /^cpu\d+$/.test(label)) {
      cpuCount++;
      const times = parseCpuTimes(fields.slice(1));
      if (times === null) cpuPerCore = null;
      else cpuPerCore?.push(times);
    }
  }
  if (cpuTotal === null) return null;
  return { cpuTotal, cpuCount: cpuCount > 0 ? cpuCount : null, cpuPerCore: cpuCount > 0 ? cpuPerCore : null };
}

function parseCpuTimes(fields: string[]): CpuTimes | null {
  if (fields.length < 4) return null;
  const values: number[] = [];
  for (let i = 0; i < CPU_TIME_FIELDS.length; i++) {
    const field = fields[i];
    if (field === undefined) {
      values.push(0);
      continue;
    }
    const value = parseCount(field);
    if (value === null) return null;
    values.push(value);
  }
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0, guest = 0, guestNice = 0] = values;
  return { user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice };
}
