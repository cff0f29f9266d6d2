import type { HostFacts, HostSnapshot, Pressure, ProcessCounters } from './sample.ts';
import { cleanText } from './clean-command-line.ts';
import { parseCount } from './parse-count.ts';
import { parseCpuModel } from './parse-cpu-model.ts';
import { parseDfOutput } from './parse-df-output.ts';
import { parseDfP } from './parse-df-p.ts';
import { parseDiskstats } from './parse-diskstats.ts';
import { parseFailedUnits } from './parse-failed-units.ts';
import { parseLoadavg } from './parse-loadavg.ts';
import { parseMeminfo } from './parse-meminfo.ts';
import { parseNetDev } from './parse-net-dev.ts';
import { parseNvidiaSmi } from './parse-nvidia-smi.ts';
import { parseOsRelease } from './parse-os-release.ts';
import { parsePressure } from './parse-pressure.ts';
import { parseProcStat } from './parse-proc-stat.ts';
import { parseProcessStat } from './parse-process-stat.ts';
import { parseUptime } from './parse-uptime.ts';
import { PolledProcess } from './polled-process.ts';
import { headFileGroup, splitHeadOutput } from './split-head-output.ts';
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

/** What `.` does not match: a marker's rest holds none of them. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
/** Where splitSections keeps the kind named on the `@@vigil <version> <kind>` line; no section name has a space. */
const VIGIL_KIND = 'vigil kind';
/** Files that earlier versions of the script printed as sections: uptime and loadavg until version 2, stat and meminfo until 4. */
const SECTION_OF_FILE: Record<string, string> = { '/proc/uptime': 'uptime', '/proc/loadavg': 'loadavg', '/proc/meminfo': 'meminfo' };

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
  const script = sections.get(VIGIL_KIND) === 'light' ? 'light' : 'full';
  const os = sections.get('os');
  // Earlier versions of the script printed some files as sections of their own; their captures still parse.
  const file = (path: string): string | undefined => head?.files.get(path) ?? sections.get(SECTION_OF_FILE[path] ?? '');
  const statText = trustedLines(head, '/proc/stat') ?? sections.get('stat');
  const unsupportedOs = os !== undefined && statText === undefined ? (os.trim().split('\n')[0]?.slice(0, 100) || 'unknown') : null;
  const stat = parseText(statText, parseProcStat);
  const df = parseText(sections.get('df'), (text) => parseDfOutput(text) ?? parseDfP(text));
  const processes = head === null || script === 'light' ? null : parseProcesses(head);
  const facts = script === 'light' ? null : parseFacts(sections, head);
  const snapshot: HostSnapshot = {
    script,
    cpuTotal: stat?.cpuTotal ?? null,
    cpuPerCore: stat?.cpuPerCore ?? null,
    cpuCount: stat?.cpuCount ?? null,
    memory: parseText(file('/proc/meminfo'), parseMeminfo),
    load: parseText(file('/proc/loadavg'), parseLoadavg),
    uptimeSec: parseText(file('/proc/uptime'), parseUptime),
    interfaces: parseText(trustedLines(head, '/proc/net/dev') ?? sections.get('netdev'), parseNetDev),
    virtualInterfaces: parseText(sections.get('virtualnet'), parseNames),
    filesystems: df,
    disks: parseText(trustedLines(head, '/proc/diskstats'), parseDiskstats),
    pressure: parsePressureFiles(head),
    processes,
    failedUnits: parseText(sections.get('units'), parseFailedUnits),
    gpus: parseText(sections.get('gpu'), parseNvidiaSmi),
    facts,
    pollShellPid: parseText(sections.get('shell'), (text) => parseCount(text.trim())),
    unsupportedOs,
    missing: [],
  };
  const parsed: Record<PollSection, boolean> = {
    uptime: snapshot.uptimeSec !== null,
    netdev: snapshot.interfaces !== null,
    stat: stat !== null,
    loadavg: snapshot.load !== null,
    meminfo: snapshot.memory !== null,
    df: snapshot.filesystems !== null,
    diskstats: snapshot.disks !== null,
    processes: snapshot.processes !== null,
    facts: snapshot.facts !== null,
  };
  snapshot.missing = POLL_SECTIONS.filter((name) => !parsed[name] && (script === 'full' || !FULL_POLL_SECTIONS.includes(name)));
  if (!sections.has('end')) snapshot.missing.push('end');
  return snapshot;
}

interface SplitOutput {
  sections: Map<string, string>;
  head: HeadOutput | null;
}

function splitOutput(stdout: string): SplitOutput {
  const filesMarker = stdout.startsWith('@@files\n') ? 0 : stdout.indexOf('\n@@files\n');
  if (filesMarker < 0) return { sections: splitSections(stdout), head: null };
  const filesStart = stdout.indexOf('\n', filesMarker + 1) + 1;
  const dfMarker = stdout.lastIndexOf('\n@@df\n');
  if (dfMarker >= filesStart) {
    const sections = splitSections(`${stdout.slice(0, filesMarker)}\n${stdout.slice(dfMarker + 1)}`);
    return { sections, head: splitHeadOutput(stdout.slice(filesStart, dfMarker)) };
  }
  // No line of the /proc files the light script copies can start with "@@" (net/dev puts a colon
  // right after the interface name), so in its output the next marker line is the one after them.
  const nextMarker = stdout.indexOf('\n@@', filesStart - 1);
  if (nextMarker >= 0) {
    const sections = splitSections(`${stdout.slice(0, filesMarker)}\n${stdout.slice(nextMarker + 1)}`);
    if (sections.get(VIGIL_KIND) === 'light') return { sections, head: splitHeadOutput(stdout.slice(filesStart, nextMarker)) };
  }
  // Cut short inside the files: the last file's content may be partial, so none of it is used.
  return { sections: splitSections(stdout.slice(0, filesMarker)), head: null };
}

/**
 * Section name → its text. The first occurrence of a name wins; text before the first marker is
 * dropped. Without `@@end`, the section being printed when the output stopped may lack rows (a
 * meminfo without its Swap lines would read as "no swap"), so it is dropped as well. A line's one
 * trailing "\r" is not part of it. Only lines starting with "@@" are looked at, found with indexOf.
 */
function splitSections(stdout: string): Map<string, string> {
  const texts = new Map<string, string>();
  let currentName: string | null = null;
  let contentStart = -1;
  const close = (end: number): void => {
    if (currentName === null) return;
    const content = contentStart > end ? '' : stdout.slice(contentStart, end);
    texts.set(currentName, content.includes('\r') ? withoutLineEndCr(content) : content);
  };
  let lineStart: number = stdout.startsWith('@@') ? 0 : nextMarkerLine(stdout, 0);
  while (lineStart >= 0) {
    const newline = stdout.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? stdout.length : newline;
    const rawLine = stdout.slice(lineStart, lineEnd);
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const name = markerName(line);
    if (name === 'vigil' && !texts.has(VIGIL_KIND)) texts.set(VIGIL_KIND, line.slice('@@vigil '.length).split(' ')[1] ?? '');
    if (name !== null) {
      close(lineStart - 1);
      if (texts.has(name)) {
        currentName = null;
      } else {
        currentName = name;
        contentStart = lineEnd + 1;
        // Reserves the name's place, so a later repeat of it is ignored even before this one closes.
        texts.set(name, '');
      }
    }
    lineStart = newline < 0 ? -1 : nextMarkerLine(stdout, newline);
  }
  close(stdout.length);
  if (!texts.has('end') && currentName !== null) texts.delete(currentName);
  return texts;
}

/**
 * The name of a marker line, `@@name` or `@@name rest` (/^@@([a-z]+)(?: (.*))?$/, read without the
 * regex: a poll has a dozen of them), or null.
 */
function markerName(line: string): string | null {
  if (!line.startsWith('@@')) return null;
  let end = 2;
  while (end < line.length && isLowercaseLetter(line.charCodeAt(end))) end++;
  if (end === 2) return null;
  if (end < line.length && (line.charCodeAt(end) !== 32 /* space */ || LINE_TERMINATOR.test(line.slice(end + 1)))) return null;
  return line.slice(2, end);
}

function isLowercaseLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}

/** The start of the next line beginning with "@@" after the newline at `from`, or -1. */
function nextMarkerLine(text: string, from: number): number {
  const at = text.indexOf('\n@@', from);
  return at < 0 ? -1 : at + 1;
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

/** A capped file's last line may be cut mid-number, which would read as a smaller counter. */
function trustedLines(head: HeadOutput | null, path: string): string | undefined {
  const text = head?.files.get(path);
  if (text === undefined || !head?.capped.has(path)) return text;
  return text.slice(0, text.lastIndexOf('\n') + 1);
}

function parseNames(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter((name) => name !== '' && name.length <= 64);
}

function parsePressureFiles(head: HeadOutput | null): Pressure | null {
  const read = (resource: string) => parseText(head?.files.get(`/proc/pressure/${resource}`), parsePressure);
  const pressure = { cpu: read('cpu'), io: read('io'), memory: read('memory') };
  return pressure.cpu === null && pressure.io === null && pressure.memory === null ? null : pressure;
}

function parseProcesses(head: HeadOutput): ProcessCounters[] | null {
  const processes: ProcessCounters[] = [];
  for (const [path, text] of head.files) {
    if (headFileGroup(path) !== 1) continue;
    const stat = parseText(text, parseProcessStat);
    // The pid in the line must be the pid in the path ("/proc/" pid "/stat").
    if (stat === null || String(stat.pid) !== path.slice(6, -5)) continue;
    const cmdline = head.commandLinesTrusted ? head.files.get(`/proc/${stat.pid}/cmdline`) : undefined;
    processes.push(new PolledProcess(stat, cleanText(stat.comm).slice(0, 64), cmdline));
  }
  return processes.length > 0 ? processes : null;
}

function parseFacts(sections: Map<string, string>, head: HeadOutput | null): HostFacts | null {
  if (head === null) return null;
  const line = (path: string): string | null => {
    const text = head.files.get(path)?.split('\n')[0]?.trim();
    return text ? cleanText(text).slice(0, 200) : null;
  };
  const osRelease = parseText(head.files.get('/etc/os-release'), parseOsRelease);
  const facts: HostFacts = {
    hostname: line('/proc/sys/kernel/hostname'),
    kernel: line('/proc/sys/kernel/osrelease'),
    osName: osRelease?.name ?? null,
    osVersion: osRelease?.version ?? null,
    cpuModel: parseText(sections.get('cpuinfo'), parseCpuModel),
    architecture: line('/proc/sys/kernel/arch'),
  };
  return facts.hostname === null && facts.kernel === null ? null : facts;
}
