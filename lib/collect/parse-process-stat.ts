import { parseCountIn } from './parse-count.ts';
import { isSpace } from './split-fields.ts';

export interface ProcessStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  cpuTicks: number;
  startTicks: number;
  rssPages: number;
}

// Fields counted from state (field 3 of proc(5)) as 0.
const STATE = 0;
const PPID = 1;
const UTIME = 11;
const STIME = 12;
const START_TIME = 19;
const RSS = 21;
/**
 * The kernel's own layout, fields after the comm separated by single spaces: state, ppid, 9 more,
 * utime, stime, 6 more, starttime, vsize, rss. \S+ cannot cross a space, so nothing backtracks.
 * Anything else (other whitespace, a cut line) takes the general scan below, with the same result.
 */
const KERNEL_LAYOUT = /([A-Za-z]) (\d{1,20}) (?:\S+ ){9}(\d{1,20}) (\d{1,20}) (?:\S+ ){6}(\d{1,20}) \S+ (\d{1,20})(?=\s|$)/y;

/**
 * One /proc/<pid>/stat line: "pid (comm) state ppid …". The comm may hold spaces, parentheses and
 * newlines, so it runs from the first "(" to the LAST ")"; the fields after it are numbered from
 * state (field 3). utime 14, stime 15, starttime 22, rss 24 (pages).
 *
 * Scanned in place (it runs for every process on every full poll): fields are separated by
 * whitespace as `\s` defines it, and numbers are digits only, as parseCount reads them.
 */
export function parseProcessStat(text: string): ProcessStat | null {
  const open = text.indexOf(' (');
  if (open < 1) return null;
  const close = lastCloseAfter(text, open);
  if (close < 0) return null;
  const pid = parseCountIn(text, 0, open);
  if (pid === null) return null;
  KERNEL_LAYOUT.lastIndex = close + 2;
  const fields = KERNEL_LAYOUT.exec(text);
  if (fields !== null) {
    // The groups are 1 to 20 digits: digitsValue reads them as Number() would, without its runtime call.
    return {
      pid, comm: text.slice(open + 2, close), state: fields[1] ?? '', ppid: digitsValue(fields[2]),
      cpuTicks: digitsValue(fields[3]) + digitsValue(fields[4]), startTicks: digitsValue(fields[5]), rssPages: digitsValue(fields[6]),
    };
  }
  return scanFields(text, pid, open, close);
}

/** Number() of a group of KERNEL_LAYOUT's digits. */
function digitsValue(digits: string | undefined): number {
  return digits === undefined ? 0 : parseCountIn(digits, 0, digits.length) ?? 0;
}

/** Searches forward past this many ") " before searching back from the end. */
const MAX_FORWARD_CLOSES = 8;

/**
 * text.lastIndexOf(') ') when it is after `open`, else -1. Searched forward, where indexOf is
 * several times faster than lastIndexOf's backward search: a comm holds one ")" or a few, and
 * the fields after it none. Text with many falls back to lastIndexOf.
 */
function lastCloseAfter(text: string, open: number): number {
  let last = -1;
  let at = text.indexOf(') ', open);
  for (let found = 0; at >= 0; found++) {
    if (found === MAX_FORWARD_CLOSES) return text.lastIndexOf(') ');
    last = at;
    at = text.indexOf(') ', at + 1);
  }
  return last;
}

function scanFields(text: string, pid: number, open: number, close: number): ProcessStat | null {
  let state: string | null = null;
  let ppid: number | null = null;
  let utime: number | null = null;
  let stime: number | null = null;
  let startTicks: number | null = null;
  let rssPages: number | null = null;
  let field = 0;
  let i = close + 2;
  const length = text.length;
  while (field <= RSS) {
    while (i < length && isSpace(text.charCodeAt(i))) i++;
    if (i >= length) break;
    const start = i;
    while (i < length && !isSpace(text.charCodeAt(i))) i++;
    switch (field) {
      case STATE:
        state = i - start === 1 && isLetter(text.charCodeAt(start)) ? text[start] ?? null : null;
        if (state === null) return null;
        break;
      case PPID:
        ppid = parseCountIn(text, start, i);
        break;
      case UTIME:
        utime = parseCountIn(text, start, i);
        break;
      case STIME:
        stime = parseCountIn(text, start, i);
        break;
      case START_TIME:
        startTicks = parseCountIn(text, start, i);
        break;
      case RSS:
        rssPages = parseCountIn(text, start, i);
        break;
    }
    field++;
  }
  if (state === null || ppid === null || utime === null || stime === null || startTicks === null || rssPages === null) return null;
  return { pid, comm: text.slice(open + 2, close), state, ppid, cpuTicks: utime + stime, startTicks, rssPages };
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
