// CPU of several process trees at once, from /proc, for the fleet benchmark: one reading of /proc
// per sample serves every group (a meter per group, each reading all of /proc ten times a second,
// cost the loaded machine more than what it measured and fell behind). A sample is skipped while
// the previous one still runs, so a slow /proc never builds a backlog.
import { readdir, readFile } from 'node:fs/promises';

/** USER_HZ, the unit of /proc/<pid>/stat times. */
const TICKS_PER_SEC = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime. */
  ticks: number;
}

async function readAllStats(): Promise<ProcStat[]> {
  const entries = (await readdir('/proc')).filter((e) => /^\d+$/.test(e));
  const stats = await Promise.all(entries.map(async (pid) => {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (text === null) return null;
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const num = (field: number): number => Number(fields[field - 3] ?? 0);
    return { pid: Number(pid), ppid: num(4), ticks: num(14) + num(15) + num(16) + num(17) };
  }));
  return stats.filter((s): s is ProcStat => s !== null);
}

/** Ticks by pid of each process in the trees under `roots`. */
function treeTicks(stats: ProcStat[], roots: readonly number[]): Map<number, number> {
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const ticks = new Map<number, number>();
  const stack = roots.map((pid) => byPid.get(pid)).filter((s): s is ProcStat => s !== undefined);
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (ticks.has(s.pid)) continue;
    ticks.set(s.pid, s.ticks);
    stack.push(...(children.get(s.pid) ?? []));
  }
  return ticks;
}

export interface GroupCpuMeter {
  /** CPU milliseconds of each group since the start, in the order given. */
  stop(): Promise<number[]>;
}

export async function startGroupCpuMeter(groups: ReadonlyArray<readonly number[]>, everyMs = 500): Promise<GroupCpuMeter> {
  const first = await readAllStats();
  const atStart = groups.map((roots) => treeTicks(first, roots));
  const lastSeen = atStart.map((m) => new Map(m));
  let running: Promise<void> | null = null;
  const sample = async (): Promise<void> => {
    const stats = await readAllStats();
    groups.forEach((roots, i) => {
      for (const [pid, ticks] of treeTicks(stats, roots)) lastSeen[i]!.set(pid, ticks);
    });
  };
  const timer = setInterval(() => {
    if (running) return;
    running = sample().finally(() => (running = null));
  }, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      await sample();
      return lastSeen.map((seen, i) => {
        let ticks = 0;
        for (const [pid, last] of seen) ticks += last - (atStart[i]!.get(pid) ?? 0);
        return (ticks * 1000) / TICKS_PER_SEC;
      });
    },
  };
}
