import type { HostSnapshot } from './sample.ts';
import { parseDfP } from './parse-df-p.ts';
import { parseLoadavg } from './parse-loadavg.ts';
import { parseMeminfo } from './parse-meminfo.ts';
import { parseNetDev } from './parse-net-dev.ts';
import { parseProcStat } from './parse-proc-stat.ts';
import { parseUptime } from './parse-uptime.ts';

/** The sections POLL_SCRIPT prints, in the order `missing` lists them. */
export const POLL_SECTIONS = ['uptime', 'netdev', 'stat', 'loadavg', 'meminfo', 'df'] as const;
export type PollSection = (typeof POLL_SECTIONS)[number];

const SECTION_MARKER = /^@@([a-z]+)(?: .*)?$/;

/**
 * Splits the poll script's stdout at its `@@name` lines and parses each section. A section that is
 * absent or unparseable becomes null and is named in `missing`; 'end' is named too when the final
 * `@@end` line is absent, i.e. the output was cut short. Never throws.
 */
export function parsePollOutput(stdout: string): HostSnapshot {
  const sections = splitSections(stdout);
  const stat = parseSection(sections, 'stat', parseProcStat);
  const snapshot: HostSnapshot = {
    cpuTotal: stat?.cpuTotal ?? null,
    cpuCount: stat?.cpuCount ?? null,
    memory: parseSection(sections, 'meminfo', parseMeminfo),
    load: parseSection(sections, 'loadavg', parseLoadavg),
    uptimeSec: parseSection(sections, 'uptime', parseUptime),
    interfaces: parseSection(sections, 'netdev', parseNetDev),
    filesystems: parseSection(sections, 'df', parseDfP),
    missing: [],
  };
  const parsed: Record<PollSection, boolean> = {
    uptime: snapshot.uptimeSec !== null,
    netdev: snapshot.interfaces !== null,
    stat: stat !== null,
    loadavg: snapshot.load !== null,
    meminfo: snapshot.memory !== null,
    df: snapshot.filesystems !== null,
  };
  snapshot.missing = POLL_SECTIONS.filter((name) => !parsed[name]);
  if (!sections.has('end')) snapshot.missing.push('end');
  return snapshot;
}

/**
 * Section name → its text. The first occurrence of a name wins; text before the first marker is
 * dropped. Without `@@end`, the section being printed when the output stopped may lack rows (a
 * meminfo without its Swap lines would read as "no swap"), so it is dropped as well.
 */
function splitSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  let currentName: string | null = null;
  for (const rawLine of stdout.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const marker = line.startsWith('@@') ? SECTION_MARKER.exec(line) : null;
    const name = marker?.[1];
    if (name !== undefined) {
      if (sections.has(name)) {
        current = null;
        currentName = null;
      } else {
        current = [];
        currentName = name;
        sections.set(name, current);
      }
      continue;
    }
    current?.push(line);
  }
  if (!sections.has('end') && currentName !== null) sections.delete(currentName);
  const texts = new Map<string, string>();
  for (const [name, lines] of sections) texts.set(name, lines.join('\n'));
  return texts;
}

function parseSection<T>(sections: Map<string, string>, name: PollSection, parse: (text: string) => T | null): T | null {
  const text = sections.get(name);
  if (text === undefined) return null;
  try {
    return parse(text);
  } catch {
    // The parsers are written not to throw; this keeps one unforeseen input from losing the whole poll.
    return null;
  }
}
