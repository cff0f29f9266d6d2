import { FILE_BYTE_CAP } from './poll-script.ts';

export interface HeadOutput {
  /** Path → content of the files head printed, in order; a file it could not read is absent. */
  files: Map<string, string>;
  /** Paths whose content reached head's byte cap: their last line may be cut. */
  capped: Set<string>;
  /**
   * False when the per-process command lines cannot be trusted: a header out of order or repeated,
   * which only a process whose command line imitates head's headers can cause.
   */
  commandLinesTrusted: boolean;
}

const HEADER = /(?:^|\n)==> (\/[^\n]{1,4096}) <==\n/g;
const PID_FILE = /^\/proc\/(\d+)\/(stat|cmdline)$/;

/**
 * Splits `head -c CAP file…` output at its "==> path <==" headers. Content is anything a process
 * puts in its command line, headers included, so the order the script guarantees is enforced:
 * the fixed files, then every /proc/<pid>/stat, then every /proc/<pid>/cmdline, each group in glob
 * (byte) order with no path twice. A header breaking that order is ignored along with its content,
 * and marks the command lines untrusted: a forged header can then only name a pid that has no stat
 * (and so is never reported), never overwrite a real one's data.
 */
export function splitHeadOutput(text: string): HeadOutput {
  const files = new Map<string, string>();
  const capped = new Set<string>();
  let commandLinesTrusted = true;
  const headers: Array<{ path: string; start: number; end: number }> = [];
  for (const match of text.matchAll(HEADER)) {
    const path = match[1];
    if (path === undefined) continue;
    headers.push({ path, start: match.index, end: match.index + match[0].length });
  }
  let phase = 0;
  let lastInGroup = '';
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i];
    if (header === undefined) continue;
    const next = headers[i + 1];
    const content = text.slice(header.end, next === undefined ? text.length : next.start);
    const pidFile = PID_FILE.exec(header.path);
    const headerPhase = pidFile === null ? 0 : pidFile[2] === 'stat' ? 1 : 2;
    const outOfOrder =
      files.has(header.path) ||
      headerPhase < phase ||
      (headerPhase === phase && headerPhase > 0 && header.path <= lastInGroup);
    if (outOfOrder) {
      commandLinesTrusted = false;
      continue;
    }
    if (headerPhase !== phase) lastInGroup = '';
    phase = headerPhase;
    if (headerPhase > 0) lastInGroup = header.path;
    files.set(header.path, content);
    if (Buffer.byteLength(content, 'utf8') >= FILE_BYTE_CAP) capped.add(header.path);
  }
  return { files, capped, commandLinesTrusted };
}
