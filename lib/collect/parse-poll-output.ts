import type { FilesystemUsage, HostFacts, HostSnapshot, InterfaceCounters, OperState, Pressure, ProcessCounters } from './sample.ts';
import { cleanText } from './clean-command-line.ts';
import { parseCount } from './parse-count.ts';
import { parseCpuModel } from './parse-cpu-model.ts';
import { parseDfOutput } from './parse-df-output.ts';
import { parseDfP } from './parse-df-p.ts';
import { parseDiskstats, parseDiskstatsIn } from './parse-diskstats.ts';
import { parseFailedUnits } from './parse-failed-units.ts';
import { parseLoadavg, parseLoadavgIn } from './parse-loadavg.ts';
import { parseMeminfo, parseMeminfoIn } from './parse-meminfo.ts';
import { parseNetDev, parseNetDevIn } from './parse-net-dev.ts';
import { parseNvidiaSmi } from './parse-nvidia-smi.ts';
import { parseOsRelease } from './parse-os-release.ts';
import { parsePressure, parsePressureIn } from './parse-pressure.ts';
import { parseProcStat, parseProcStatIn } from './parse-proc-stat.ts';
import { parseProcessStat } from './parse-process-stat.ts';
import type { ProcessStat } from './parse-process-stat.ts';
import { parseUptime, parseUptimeIn } from './parse-uptime.ts';
import { PolledProcess } from './polled-process.ts';
import { HeadFileList, splitHeadOutputIn } from './split-head-output.ts';
import type { HeadOutput } from './split-head-output.ts';

/**
 * The sections every Linux host provides, in the order `missing` lists them. Pressure (kernel 4.20+),
 * GPUs and failed units are optional: their absence is normal and not named.
 */
export const POLL_SECTIONS = ['uptime', 'netdev', 'stat', 'loadavg', 'meminfo', 'df', 'diskstats', 'processes', 'facts'] as const;
export type PollSection = (typeof POLL_SECTIONS)[number];

/**
 * What the light script does not collect: null in its snapshot, and not missing. df since version 5:
 * a light poll's sample carries the last full poll's filesystems instead (carry-filesystems.ts).
 */
export const FULL_POLL_SECTIONS: readonly PollSection[] = ['processes', 'facts', 'df'];

/** The line ending the files of a full poll, its newline before it. */
const DF_MARKER = '\n@@df\n';
/** Where splitSections keeps the kind named on the `@@vigil <version> <kind>` line; no section name has a space. */
const VIGIL_KIND = 'vigil kind';

/**
 * Splits the poll script's stdout into its sections and parses each. A section that is absent or
 * unparseable becomes null and is named in `missing`; 'end' is named too when the final `@@end`
 * line is absent, i.e. the output was cut short. Never throws.
 *
 * Process command lines are arbitrary text and come inside the `@@files` section, so that section
 * is bounded by its first marker and the LAST `@@df` marker: a command line imitating a marker
 * can neither end it early nor stand in for a later section. The light script runs no df since
 * version 5, and copies no command line: its files end at the first marker after them.
 */
export function parsePollOutput(stdout: string): HostSnapshot {
  const { sections, head } = splitOutput(stdout);
  if (head !== null) findParsedFiles(stdout);
  const script = sections.get(VIGIL_KIND) === 'light' ? 'light' : 'full';
  const os = sections.get('os');
  // Earlier versions of the script printed some files as sections of their own (uptime and loadavg
  // until version 2, stat and meminfo until 4, net/dev until 2): their captures still parse.
  const hasStat = (head?.files.has('/proc/stat') ?? false) || sections.has('stat');
  const unsupportedOs = os !== undefined && !hasStat ? (os.trim().split('\n')[0]?.slice(0, 100) || 'unknown') : null;
  const stat = parseFile(stdout, head, '/proc/stat', true, parseProcStatIn, sections.get('stat'), parseProcStat);
  const processes = head === null || script === 'light' ? null : parseProcesses(stdout, head);
  const facts = script === 'light' ? null : parseFacts(sections, head);
  const interfaces = parseFile(stdout, head, '/proc/net/dev', true, parseNetDevIn, sections.get('netdev'), parseNetDev);
  if (interfaces !== null && head !== null) addOperStates(interfaces, head.files);
  const snapshot: HostSnapshot = {
    script,
    cpuTotal: stat?.cpuTotal ?? null,
    cpuPerCore: stat?.cpuPerCore ?? null,
    activity: stat?.activity ?? null,
    cpuCount: stat?.cpuCount ?? null,
    memory: parseFile(stdout, head, '/proc/meminfo', false, parseMeminfoIn, sections.get('meminfo'), parseMeminfo),
    load: parseFile(stdout, head, '/proc/loadavg', false, parseLoadavgIn, sections.get('loadavg'), parseLoadavg),
    uptimeSec: parseFile(stdout, head, '/proc/uptime', false, parseUptimeIn, sections.get('uptime'), parseUptime),
    interfaces,
    hostBootTimeSec: stat?.bootTimeSec ?? null,
    virtualInterfaces: parseText(sections.get('virtualnet'), parseNames),
    filesystems: parseText(sections.get('df'), parseDf),
    disks: parseFile(stdout, head, '/proc/diskstats', true, parseDiskstatsIn, undefined, parseDiskstats),
    pressure: parsePressureFiles(stdout, head),
    processes,
    failedUnits: parseText(sections.get('units'), parseFailedUnits),
    gpus: parseText(sections.get('gpu'), parseNvidiaSmi),
    facts,
    pollShellPid: parseText(sections.get('shell'), parseShellPid),
    unsupportedOs,
    missing: [],
  };
  for (const name of POLL_SECTIONS) {
    if (!isParsed(snapshot, stat !== null, name) && (script === 'full' || !FULL_POLL_SECTIONS.includes(name))) snapshot.missing.push(name);
  }
  if (!sections.has('end')) snapshot.missing.push('end');
  return snapshot;
}

// Module-level functions rather than closures in parsePollOutput: under tsx (esbuild keepNames)
// each closure created per call also pays a defineProperty for its name.

/** The fixed files of the output being parsed (splitOutput), as bounds in it: their parsers read them there. */
const fixedFiles = new HeadFileList();
/** The fixed files read in place, by their index here. */
const PARSED_FILES = [
  '/proc/stat', '/proc/meminfo', '/proc/loadavg', '/proc/uptime', '/proc/net/dev', '/proc/diskstats',
  '/proc/pressure/cpu', '/proc/pressure/io', '/proc/pressure/memory',
] as const;
type ParsedFile = (typeof PARSED_FILES)[number];
/** Where the content of each of PARSED_FILES starts and ends in the output being parsed; -1 for a file head did not copy. */
const parsedFileBounds: number[] = [];

/** Finds PARSED_FILES among the fixed files, in one walk rather than one per file. */
function findParsedFiles(stdout: string): void {
  parsedFileBounds.length = 2 * PARSED_FILES.length;
  parsedFileBounds.fill(-1);
  const files = fixedFiles.values;
  for (let i = 0; i < fixedFiles.length; i += 5) {
    const pathStart = files[i + 1] as number;
    const pathLength = (files[i + 2] as number) - pathStart;
    for (let file = 0; file < PARSED_FILES.length; file++) {
      const path = PARSED_FILES[file] as string;
      if (path.length === pathLength && stdout.startsWith(path, pathStart)) {
        parsedFileBounds[2 * file] = files[i + 3] as number;
        parsedFileBounds[2 * file + 1] = files[i + 4] as number;
        break;
      }
    }
  }
}

/**
 * The file `path` of head's output parsed in place by `parseIn`; without it, `section` (the file
 * as its own section, printed by earlier versions of the script) parsed by `parse`. A capped file
 * is read only to its last newline (`trusted`: the file's lines are counters).
 */
function parseFile<T>(
  stdout: string, head: HeadOutput | null, path: ParsedFile, trusted: boolean,
  parseIn: (text: string, start: number, end: number) => T | null, section: string | undefined, parse: (text: string) => T | null,
): T | null {
  const file = PARSED_FILES.indexOf(path);
  const start = head === null ? -1 : parsedFileBounds[2 * file] ?? -1;
  if (start < 0) return parseText(section, parse);
  let end = parsedFileBounds[2 * file + 1] ?? start;
  // A capped file's last line may be cut mid-number, which would read as a smaller counter.
  if (trusted && head?.capped.has(path) === true) {
    const lastNewline = stdout.lastIndexOf('\n', end - 1);
    end = lastNewline < start ? start : lastNewline + 1;
  }
  try {
    return parseIn(stdout, start, end);
  } catch {
    // As in parseText: one unforeseen input does not lose the whole poll.
    return null;
  }
}

function parseDf(text: string): FilesystemUsage[] | null {
  return parseDfOutput(text) ?? parseDfP(text);
}

/** Each interface's /sys/class/net/<name>/operstate, where head printed it; a value the kernel does not give is left out. */
function addOperStates(interfaces: InterfaceCounters[], files: ReadonlyMap<string, string>): void {
  for (const iface of interfaces) {
    const text = files.get(`/sys/class/net/${iface.name}/operstate`);
    const state = text === undefined ? null : operStateOf(text.trim());
    if (state !== null) iface.operState = state;
  }
}

/** The state as the code's own string, not a slice of the output: a kept snapshot must not hold the output. */
function operStateOf(text: string): OperState | null {
  switch (text) {
    case 'up': return 'up';
    case 'down': return 'down';
    case 'lowerlayerdown': return 'lowerlayerdown';
    case 'dormant': return 'dormant';
    case 'testing': return 'testing';
    case 'notpresent': return 'notpresent';
    case 'unknown': return 'unknown';
    default: return null;
  }
}

function parseShellPid(text: string): number | null {
  return parseCount(text.trim());
}

function isParsed(snapshot: HostSnapshot, statParsed: boolean, section: PollSection): boolean {
  switch (section) {
    case 'uptime': return snapshot.uptimeSec !== null;
    case 'netdev': return snapshot.interfaces !== null;
    case 'stat': return statParsed;
    case 'loadavg': return snapshot.load !== null;
    case 'meminfo': return snapshot.memory !== null;
    case 'df': return snapshot.filesystems !== null;
    case 'diskstats': return snapshot.disks !== null;
    case 'processes': return snapshot.processes !== null;
    case 'facts': return snapshot.facts !== null;
  }
}

interface SplitOutput {
  sections: Map<string, string>;
  head: HeadOutput | null;
}

/**
 * The sections are read from the text around the files, as if the files were cut out and the two
 * parts joined by a newline; the parts are not copied into a joined string (splitSections).
 */
function splitOutput(stdout: string): SplitOutput {
  processFiles.length = 0;
  fixedFiles.length = 0;
  const filesMarker = stdout.startsWith('@@files\n') ? 0 : stdout.indexOf('\n@@files\n');
  if (filesMarker < 0) return { sections: splitSections(stdout, stdout.length, -1), head: null };
  const filesStart = stdout.indexOf('\n', filesMarker + 1) + 1;
  // No line of the /proc files the light script copies can start with "@@" (net/dev puts a colon
  // right after the interface name), so in its output the next marker line is the one after them.
  // In output that says it is light, that line is found first, and the df marker, which can only
  // be at it or after it, is searched for from there.
  const light = saysLight(stdout);
  let nextMarker = light ? stdout.indexOf('\n@@', filesStart - 1) : -1;
  const dfMarker = !light ? stdout.lastIndexOf(DF_MARKER) : nextMarker < 0 ? -1 : lastForward(stdout, DF_MARKER, nextMarker);
  if (dfMarker >= filesStart) {
    return { sections: splitSections(stdout, filesMarker, dfMarker + 1), head: splitHeadOutputIn(stdout, filesStart, dfMarker, processFiles, fixedFiles) };
  }
  if (!light) nextMarker = stdout.indexOf('\n@@', filesStart - 1);
  if (nextMarker >= 0) {
    const sections = splitSections(stdout, filesMarker, nextMarker + 1);
    if (sections.get(VIGIL_KIND) === 'light') return { sections, head: splitHeadOutputIn(stdout, filesStart, nextMarker, processFiles, fixedFiles) };
  }
  // Cut short inside the files: the last file's content may be partial, so none of it is used.
  return { sections: splitSections(stdout, filesMarker, -1), head: null };
}

/**
 * Whether the first line ends in " light", as the light script's `@@vigil` line does. Only a hint
 * for where to search first (splitSections reads the kind): lastIndexOf searches back all the way
 * to the start when there is no df marker, as in a light poll's output (version 5 on), several
 * times slower than indexOf searches forward.
 */
function saysLight(stdout: string): boolean {
  const firstLineEnd = stdout.indexOf('\n');
  return firstLineEnd >= 0 && stdout.startsWith(' light', firstLineEnd - ' light'.length);
}

/** The last `word` in text at or after `from`, searched forward; -1 for none. */
function lastForward(text: string, word: string, from: number): number {
  let last = -1;
  for (let at = text.indexOf(word, from); at >= 0; at = text.indexOf(word, at + 1)) last = at;
  return last;
}

/**
 * Section name → its text, read from `stdout.slice(0, firstEnd)`, followed when secondStart >= 0
 * by a newline and `stdout.slice(secondStart)`. The first occurrence of a name wins; text before
 * the first marker is dropped. Without `@@end`, the section being printed when the output stopped
 * may lack rows (a meminfo without its Swap lines would read as "no swap"), so it is dropped as
 * well. A line's one trailing "\r" is not part of it. Only lines starting with "@@" are looked at,
 * found with indexOf.
 *
 * The first part ends just before a "\n@@" (splitOutput cuts there), so a "\n@@" found in it lies
 * wholly inside it. When the second part does not begin with a marker line, a section's text
 * would run across the join: that case reads the joined copy.
 */
function splitSections(stdout: string, firstEnd: number, secondStart: number): Map<string, string> {
  if (secondStart >= 0 && markerName(stdout, secondStart, withoutCr(stdout, secondStart, lineEndAt(stdout, secondStart, stdout.length))) === null) {
    const joined = `${stdout.slice(0, firstEnd)}\n${stdout.slice(secondStart)}`;
    return splitSections(joined, joined.length, -1);
  }
  const texts = new Map<string, string>();
  let currentName: string | null = null;
  let contentStart = -1;
  // The part being read, 0 the first or 1 the second, and where it ends.
  let part = firstEnd > 0 || secondStart < 0 ? 0 : 1;
  let partEnd = part === 0 ? firstEnd : stdout.length;
  let lineStart = part === 0 ? (firstEnd > 0 && stdout.startsWith('@@') ? 0 : nextMarkerLine(stdout, 0, partEnd)) : secondStart;
  for (;;) {
    if (lineStart < 0) {
      if (part === 1 || secondStart < 0) break;
      // The join: the second part begins with a marker line, which closes the section open at the first part's end.
      part = 1;
      partEnd = stdout.length;
      lineStart = secondStart;
    }
    const lineEnd = lineEndAt(stdout, lineStart, partEnd);
    const contentEnd = withoutCr(stdout, lineStart, lineEnd);
    const name = markerName(stdout, lineStart, contentEnd);
    if (name === 'vigil' && !texts.has(VIGIL_KIND)) texts.set(VIGIL_KIND, stdout.slice(lineStart + '@@vigil '.length, contentEnd).split(' ')[1] ?? '');
    if (name !== null) {
      // A marker at the start of the second part closes at the join, where the first part ends.
      if (currentName !== null) closeSection(texts, stdout, currentName, contentStart, lineStart === secondStart && part === 1 ? firstEnd : lineStart - 1);
      if (texts.has(name)) {
        currentName = null;
      } else {
        currentName = name;
        contentStart = lineEnd + 1;
        // Reserves the name's place, so a later repeat of it is ignored even before this one closes.
        texts.set(name, '');
      }
    }
    lineStart = lineEnd >= partEnd ? -1 : nextMarkerLine(stdout, lineEnd, partEnd);
  }
  if (currentName !== null) closeSection(texts, stdout, currentName, contentStart, partEnd);
  if (!texts.has('end') && currentName !== null) texts.delete(currentName);
  return texts;
}

function closeSection(texts: Map<string, string>, stdout: string, name: string, contentStart: number, end: number): void {
  const content = contentStart > end ? '' : stdout.slice(contentStart, end);
  texts.set(name, content.includes('\r') ? withoutLineEndCr(content) : content);
}

/** The end of the line text[start, end) without its one trailing "\r". */
function withoutCr(text: string, start: number, end: number): number {
  return end > start && text.charCodeAt(end - 1) === 13 /* \r */ ? end - 1 : end;
}

/** Where the line starting at `start` ends: its newline, or `end` when none comes before it. */
function lineEndAt(text: string, start: number, end: number): number {
  const newline = text.indexOf('\n', start);
  return newline < 0 || newline > end ? end : newline;
}

/**
 * The name of the marker line text[start, end), `@@name` or `@@name rest` (/^@@([a-z]+)(?: (.*))?$/,
 * read without the regex: a poll has a dozen of them), or null.
 */
function markerName(text: string, start: number, end: number): string | null {
  if (end - start < 3 || !text.startsWith('@@', start)) return null;
  let nameEnd = start + 2;
  while (nameEnd < end && isLowercaseLetter(text.charCodeAt(nameEnd))) nameEnd++;
  if (nameEnd === start + 2) return null;
  if (nameEnd < end) {
    if (text.charCodeAt(nameEnd) !== 32 /* space */) return null;
    for (let i = nameEnd + 1; i < end; i++) if (isLineTerminator(text.charCodeAt(i))) return null;
  }
  return text.slice(start + 2, nameEnd);
}

function isLowercaseLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}

/** What `.` does not match: a marker's rest holds none of them. */
function isLineTerminator(code: number): boolean {
  return code === 10 || code === 13 || code === 0x2028 || code === 0x2029;
}

/** The start of the next line beginning with "@@" after the newline at `from`, before `end`; or -1. */
function nextMarkerLine(text: string, from: number, end: number): number {
  const at = text.indexOf('\n@@', from);
  return at < 0 || at >= end ? -1 : at + 1;
}

function withoutLineEndCr(text: string): string {
  const joined = text.replaceAll('\r\n', '\n');
  return joined.endsWith('\r') ? joined.slice(0, -1) : joined;
}

function parseText<T>(text: string | undefined, parse: (text: string) => T | null): T | null {
  if (text === undefined) return null;
  try {
    return parse(text);
  } catch {
    // The parsers are written not to throw; this keeps one unforeseen input from losing the whole poll.
    return null;
  }
}

/** `text.split('\n')`, each line trimmed, without the empty ones and those over 64 characters. */
function parseNames(text: string): string[] {
  const names: string[] = [];
  for (let start = 0; start <= text.length;) {
    const end = lineEndAt(text, start, text.length);
    const name = text.slice(start, end).trim();
    if (name !== '' && name.length <= 64) names.push(name);
    start = end + 1;
  }
  return names;
}

function parsePressureFiles(stdout: string, head: HeadOutput | null): Pressure | null {
  if (head === null) return null;
  const pressure = {
    cpu: parseFile(stdout, head, '/proc/pressure/cpu', false, parsePressureIn, undefined, parsePressure),
    io: parseFile(stdout, head, '/proc/pressure/io', false, parsePressureIn, undefined, parsePressure),
    memory: parseFile(stdout, head, '/proc/pressure/memory', false, parsePressureIn, undefined, parsePressure),
  };
  return pressure.cpu === null && pressure.io === null && pressure.memory === null ? null : pressure;
}

/** The process files of the output being parsed (splitOutput), read in it by position rather than by path. */
const processFiles = new HeadFileList();

/**
 * The processes, in the order of their stat files. While the command lines are trusted, both
 * groups are in glob order with no path twice, and "/proc/<pid>/" orders the stat files and the
 * command lines alike: each stat's command line is found by walking the command lines alongside,
 * not by a lookup by a path built for it.
 */
function parseProcesses(stdout: string, head: HeadOutput): ProcessCounters[] | null {
  const processes: ProcessCounters[] = [];
  const files = processFiles.values;
  const length = processFiles.length;
  // The stats come first, then the command lines.
  let commandLine = 0;
  while (commandLine < length && files[commandLine] === 1) commandLine += 5;
  const statsEnd = commandLine;
  for (let stat = 0; stat < statsEnd; stat += 5) {
    const pathStart = files[stat + 1] as number;
    const parsed = parseText(stdout.slice(files[stat + 3], files[stat + 4]), parseProcessStat);
    // The pid in the line must be the pid in the path ("/proc/" pid "/stat").
    if (parsed === null || !namesPid(stdout, pathStart + '/proc/'.length, (files[stat + 2] as number) - '/stat'.length, parsed.pid)) continue;
    let cmdline: string | undefined;
    if (head.commandLinesTrusted) {
      while (commandLine < length && comparePidDirectories(stdout, files[commandLine + 1] as number, pathStart) < 0) commandLine += 5;
      if (commandLine < length && comparePidDirectories(stdout, files[commandLine + 1] as number, pathStart) === 0) {
        cmdline = stdout.slice(files[commandLine + 3], files[commandLine + 4]);
      }
    }
    processes.push(polledProcess(parsed, cmdline));
  }
  return processes.length > 0 ? processes : null;
}

function polledProcess(stat: ProcessStat, cmdline: string | undefined): PolledProcess {
  return new PolledProcess(stat, cleanText(stat.comm).slice(0, 64), cmdline);
}

/** `String(pid) === text.slice(start, end)` for the digits of a path, without the copy. */
function namesPid(text: string, start: number, end: number, pid: number): boolean {
  // Beyond 15 digits the number may not be exact, nor its string the digits it was read from.
  if (end - start > 15) return String(pid) === text.slice(start, end);
  // String(pid) has no leading zero.
  if (text.charCodeAt(start) === 48 /* 0 */ && end - start > 1) return false;
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value === pid;
}

/** The byte order of the directories of two "/proc/<digits>/…" paths starting at a and b: negative, 0 (the same pid) or positive. */
function comparePidDirectories(text: string, a: number, b: number): number {
  for (let i = '/proc/'.length; ; i++) {
    const codeA = text.charCodeAt(a + i);
    const codeB = text.charCodeAt(b + i);
    if (codeA !== codeB) return codeA - codeB;
    if (codeA === 47 /* / */) return 0;
  }
}

function parseFacts(sections: Map<string, string>, head: HeadOutput | null): HostFacts | null {
  if (head === null) return null;
  const osRelease = parseText(head.files.get('/etc/os-release'), parseOsRelease);
  const facts: HostFacts = {
    hostname: firstLine(head, '/proc/sys/kernel/hostname'),
    kernel: firstLine(head, '/proc/sys/kernel/osrelease'),
    osName: osRelease?.name ?? null,
    osVersion: osRelease?.version ?? null,
    cpuModel: parseText(sections.get('cpuinfo'), parseCpuModel),
    architecture: firstLine(head, '/proc/sys/kernel/arch'),
  };
  return facts.hostname === null && facts.kernel === null ? null : facts;
}

/** A file's first line, trimmed and cleaned, at most 200 characters; null when empty. */
function firstLine(head: HeadOutput, path: string): string | null {
  const content = head.files.get(path);
  if (content === undefined) return null;
  const text = content.slice(0, lineEndAt(content, 0, content.length)).trim();
  return text ? cleanText(text).slice(0, 200) : null;
}
