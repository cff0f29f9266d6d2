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
/** What indexOf looks for: a header after a newline. */
const NEWLINE_HEADER_START = `\n${HEADER_START}`;
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
  return groupAt(path, 0, path.length);
}

/** headFileGroup of the path text[start, end), read in place. */
function groupAt(text: string, start: number, end: number): 0 | 1 | 2 {
  // Compared code by code, which measured faster than startsWith at an offset: this runs for every file.
  if (end - start < 6 || !matchesAt(text, start, '/proc/')) return 0;
  let i = start + 6;
  while (i < end && isDigit(text.charCodeAt(i))) i++;
  if (i === start + 6 || i === end || text.charCodeAt(i) !== 47 /* / */) return 0;
  const nameLength = end - i - 1;
  if (nameLength === 4 && matchesAt(text, i + 1, 'stat')) return 1;
  return nameLength === 7 && matchesAt(text, i + 1, 'cmdline') ? 2 : 0;
}

/** text.startsWith(word, at), for a word that lies inside the text. */
function matchesAt(text: string, at: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (text.charCodeAt(at + i) !== word.charCodeAt(i)) return false;
  return true;
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
  return splitHeadOutputIn(text, 0, text.length);
}

/**
 * Files splitHeadOutputIn found, in order: five numbers each, the file's group, then the bounds of
 * its path and of its content in the text; the first `length` of `values` are the current text's.
 * Reused from one poll to the next (emptied by setting `length`), so that its array is not grown
 * again on every poll.
 */
export class HeadFileList {
  readonly values: number[] = [];
  length = 0;

  add(group: number, pathStart: number, pathEnd: number, contentStart: number, contentEnd: number): void {
    const values = this.values;
    const at = this.length;
    values[at] = group;
    values[at + 1] = pathStart;
    values[at + 2] = pathEnd;
    values[at + 3] = contentStart;
    values[at + 4] = contentEnd;
    this.length = at + 5;
  }
}

/**
 * splitHeadOutput of text.slice(start, end), without the copy. A path's group and order are read
 * in the text, before it is cut out: a poll has hundreds of them.
 *
 * For a caller that reads files in the text rather than by path: with `processFiles`, the files of
 * processes are left out of the map (and out of `capped`) and added to processFiles instead; with
 * `fixedFiles`, the fixed files are added to it as well as put in the map.
 */
export function splitHeadOutputIn(
  text: string, start: number, end: number, processFiles: HeadFileList | null = null, fixedFiles: HeadFileList | null = null,
): HeadOutput {
  const head: HeadOutput = { files: new Map<string, string>(), capped: new Set<string>(), commandLinesTrusted: true };
  let phase = 0;
  // The last path taken, as bounds in the text (empty for a fixed file): the next one of its group must sort after it.
  let lastStart = 0;
  let lastEnd = 0;
  // The header before the text being read: its path's bounds (pathStart -1 before the first), and where its content starts.
  let pathStart = -1;
  let pathEnd = 0;
  let contentStart = start;
  // `from`: where the next header may begin (its leading newline included).
  let from = start;
  for (;;) {
    // The next header: `at` its leading newline (or `start` for one that starts the text), -1 for none.
    let at = -1;
    let nextPathStart = 0;
    let lineEnd = 0;
    while (from < end) {
      const atStart = from === start && text.startsWith(HEADER_START, start);
      const candidate = atStart ? start : text.indexOf(NEWLINE_HEADER_START, from);
      if (candidate < 0 || (!atStart && candidate + NEWLINE_HEADER_START.length > end)) break;
      nextPathStart = candidate + (atStart ? 0 : 1) + HEADER_START.length;
      lineEnd = text.indexOf('\n', nextPathStart);
      const nextPathEnd = lineEnd - HEADER_END.length;
      const isHeader =
        lineEnd >= 0 &&
        lineEnd < end &&
        nextPathEnd - nextPathStart >= 2 &&
        nextPathEnd - nextPathStart <= MAX_PATH_LENGTH &&
        text.charCodeAt(nextPathStart) === 47 /* / */ &&
        text.startsWith(HEADER_END, nextPathEnd);
      if (isHeader) {
        at = candidate;
        break;
      }
      from = candidate + 1;
    }
    if (pathStart >= 0) {
      const group = groupAt(text, pathStart, pathEnd);
      // In the ordered groups, a path after the group's last cannot be in the map yet (a path's group
      // is a function of it): the lookup is left to the fixed files.
      let path: string | null = null;
      let outOfOrder = group < phase;
      if (group === phase) {
        if (group > 0) {
          // Both paths start with "/proc/".
          outOfOrder = compareIn(text, pathStart + 6, pathEnd, lastStart + 6, lastEnd) <= 0;
        } else {
          path = text.slice(pathStart, pathEnd);
          outOfOrder = head.files.has(path);
        }
      }
      if (outOfOrder) {
        head.commandLinesTrusted = false;
      } else {
        phase = group;
        lastStart = pathStart;
        lastEnd = group > 0 ? pathEnd : pathStart;
        const contentEnd = at < 0 ? end : at;
        if (group > 0 && processFiles !== null) {
          processFiles.add(group, pathStart, pathEnd, contentStart, contentEnd);
        } else {
          if (group === 0) fixedFiles?.add(group, pathStart, pathEnd, contentStart, contentEnd);
          path ??= text.slice(pathStart, pathEnd);
          const content = text.slice(contentStart, contentEnd);
          head.files.set(path, content);
          if (content.length >= MIN_CAPPED_LENGTH && Buffer.byteLength(content, 'utf8') >= SMALLEST_FILE_BYTE_CAP) head.capped.add(path);
        }
      }
    }
    if (at < 0) break;
    pathStart = nextPathStart;
    pathEnd = lineEnd - HEADER_END.length;
    contentStart = lineEnd + 1;
    from = lineEnd + 1;
  }
  return head;
}

/** text[aStart, aEnd) compared with text[bStart, bEnd) as `<` compares strings: negative, 0 or positive. */
function compareIn(text: string, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < length; i++) {
    const difference = text.charCodeAt(aStart + i) - text.charCodeAt(bStart + i);
    if (difference !== 0) return difference;
  }
  return aEnd - aStart - (bEnd - bStart);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
