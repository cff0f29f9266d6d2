// CPU time of processes and their descendants, from /proc, for measuring what the monitored side
// (sshd and every process it starts) spends per poll.
import { readdir, readFile } from 'node:fs/promises';

/** USER_HZ: the unit of the times in /proc/<pid>/stat (getconf CLK_TCK is 100 on Linux). */
const TICKS_PER_SEC = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime: its own time and that of the children it has reaped. */
  ticks: number;
}

async function readAllStats(): Promise<ProcStat[]> {
  const entries = await readdir('/proc');
  const stats = await Promise.all(entries.filter((e) => /^\d+$/.test(e)).map(async (pid) => {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (text === null) return null;
    // Fields after the command, which may contain spaces and parentheses: state is field 3.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const num = (field: number): number => Number(fields[field - 3] ?? 0);
    return { pid: Number(pid), ppid: num(4), ticks: num(14) + num(15) + num(16) + num(17) };
  }));
  return stats.filter((s): s is ProcStat => s !== null);
}

/** Ticks of each process in the trees under `roots` now, by pid. */
export async function treeTicks(roots: readonly number[]): Promise<Map<number, number>> {
  const stats = await readAllStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s);
    children.set(s.ppid, list);
  }
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const ticks = new Map<number, number>();
  const stack = roots.map((pid) => byPid.get(pid)).filter((s): s is ProcStat => s !== undefined);
  while (stack.length > 0) {
    const s = stack.pop() as ProcStat;
    if (ticks.has(s.pid)) continue;
    ticks.set(s.pid, s.ticks);
    stack.push(...(children.get(s.pid) ?? []));
  }
  return ticks;
}

export interface TreeCpuMeter {
  /** CPU milliseconds the trees used since the meter started. */
  stop(): Promise<number>;
}

/**
 * Meters the CPU of the processes under `roots` from now on. A short-lived child (each poll's
 * sh) is counted through its parent's cutime once reaped; the trees are sampled every 100 ms so
 * that a process that ends in the window (a connection torn down) keeps what it had used by its
 * last sample instead of vanishing from the sum.
 */
export async function startTreeCpuMeter(roots: readonly number[]): Promise<TreeCpuMeter> {
  const atStart = await treeTicks(roots);
  const lastSeen = new Map(atStart);
  let sampling = Promise.resolve();
  const sample = async (): Promise<void> => {
    for (const [pid, ticks] of await treeTicks(roots)) lastSeen.set(pid, ticks);
  };
  const timer = setInterval(() => {
    sampling = sampling.then(sample, sample);
  }, 100);
  return {
    stop: async () => {
      clearInterval(timer);
      await sampling;
      await sample();
      let ticks = 0;
      for (const [pid, last] of lastSeen) ticks += last - (atStart.get(pid) ?? 0);
      return (ticks * 1000) / TICKS_PER_SEC;
    },
  };
}
