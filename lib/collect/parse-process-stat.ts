import { parseCount } from './parse-count.ts';

export interface ProcessStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  cpuTicks: number;
  startTicks: number;
  rssPages: number;
}

/**
 * One /proc/<pid>/stat line: "pid (comm) state ppid …". The comm may hold spaces, parentheses and
 * newlines, so it runs from the first "(" to the LAST ")"; the fields after it are numbered from
 * state (field 3). utime 14, stime 15, starttime 22, rss 24 (pages).
 */
export function parseProcessStat(text: string): ProcessStat | null {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(') ');
  if (open < 1 || close < open) return null;
  const pid = parseCount(text.slice(0, open));
  const comm = text.slice(open + 2, close);
  const rest = text.slice(close + 2).trim().split(/\s+/);
  const state = rest[0];
  const ppid = parseCount(rest[1]);
  const utime = parseCount(rest[11]);
  const stime = parseCount(rest[12]);
  const startTicks = parseCount(rest[19]);
  const rssPages = parseCount(rest[21]);
  if (pid === null || ppid === null || state === undefined || !/^[A-Za-z]$/.test(state) || utime === null || stime === null || startTicks === null || rssPages === null) {
    return null;
  }
  return { pid, comm, state, ppid, cpuTicks: utime + stime, startTicks, rssPages };
}
