export interface HeadOutput {
  /** Path → content of the files head printed, in order; a file it could not read is absent. */
  files: Map<string, string>;
  /** Paths whose content may have reached head's byte cap: their last line may be cut, unless it ends in a newline. */
  capped: Set<string>;
  /**
   * False when the per-process command lines cannot be trusted: a header out of order or repeated,
   * which only a process whose command line imitates head's headers can cause.
   */
  commandLinesTrusted: boolean;
}

const HEADER_START = '==> ';
const HEADER_END = ' <==';
/** A path is "/" and 1 to 4096 more characters. */
const MAX_PATH_LENGTH = 4097;
/**
 * The smallest byte cap any version of the script gave head (16384 until version 4, FILE_BYTE_CAP
 * since): content this long may have been cut. One that was not ends in its newline, which keeps
 * its last line (trusted lines end at the last newline).
 */
const SMALLEST_FILE_BYTE_CAP = 16384;
/** A UTF-16 unit is at most 3 UTF-8 bytes: content shorter than this cannot have reached the cap. */
const MIN_CAPPED_LENGTH = Math.ceil(SMALLEST_FILE_BYTE_CAP / 3);

/** Which group of head's files a path belongs to: 0 fixed files, 1 /proc/<pid>/stat, 2 /proc/<pid>/cmdline. */
export function headFileGroup(path: string): 0 | 1 | 2 {
  if (!path.startsWith('/proc/')) return 0;
  let i = 6;
  while (i < path.length && isDigit(path.charCodeAt(i))) i++;
  if (i === 6 || path.charCodeAt(i) !== 47 /* / */) return 0;
  const name = path.slice(i + 1);
  return name === 'stat' ? 1 : name === 'cmdline' ? 2 : 0;
}

/**
 * Splits `head -c CAP file…` output at its "==> path <==" headers. Content is anything a process
 * puts in its command line, headers included, so the order the script guarantees is enforced:
 * the fixed files, then every /proc/<pid>/stat, then every /proc/<pid>/cmdline, each group in glob
 * (byte) order with no path twice. A header breaking that order is ignored along with its content,
 * and marks the command lines untrusted: a forged header can then only name a pid that has no stat
 * (and so is never reported), never overwrite a real one's data.
 *
 * A header is a whole line "==> /path <==" at the start of the text or after a newline, the
 * newline before it belonging to the header (head prints a blank line between files). Scanned
 * with indexOf, not a regex: this runs on every poll over tens of kilobytes.
 */
export function splitHeadOutput(text: string): HeadOutput {
  const files = new Map<string, string>();
  const capped = new Set<string>();
  let commandLinesTrusted = true;
  let phase = 0;
  let lastInGroup = '';
  let pending: { path: string; start: number } | null = null;
  const take = (path: string, start: number, end: number): void => {
    const group = headFileGroup(path);
    const outOfOrder = files.has(path) || group < phase || (group === phase && group > 0 && path <= lastInGroup);
    if (outOfOrder) {
      commandLinesTrusted = false;
      return;
    }
    if (group !== phase) lastInGroup = '';
    phase = group;
    if (group > 0) lastInGroup = path;
    const content = text.slice(start, end);
    files.set(path, content);
    if (content.length >= MIN_CAPPED_LENGTH && Buffer.byteLength(content, 'utf8') >= SMALLEST_FILE_BYTE_CAP) capped.add(path);
  };
  // `from`: where the next header may begin (its leading newline included).
  let from = 0;
  while (from < text.length) {
    const at: number = from === 0 && text.startsWith(HEADER_START) ? 0 : text.indexOf(`\n${HEADER_START}`, from);
    if (at < 0) break;
    const pathStart = at + (at === 0 && text.startsWith(HEADER_START) ? 0 : 1) + HEADER_START.length;
    const lineEnd = text.indexOf('\n', pathStart);
    const pathEnd = lineEnd - HEADER_END.length;
    const isHeader =
      lineEnd >= 0 &&
      pathEnd - pathStart >= 2 &&
      pathEnd - pathStart <= MAX_PATH_LENGTH &&
      text.charCodeAt(pathStart) === 47 /* / */ &&
      text.startsWith(HEADER_END, pathEnd);
    if (!isHeader) {
      from = at + 1;
      continue;
    }
    if (pending !== null) take(pending.path, pending.start, at);
    pending = { path: text.slice(pathStart, pathEnd), start: lineEnd + 1 };
    from = lineEnd + 1;
  }
  if (pending !== null) take(pending.path, pending.start, text.length);
  return { files, capped, commandLinesTrusted };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
