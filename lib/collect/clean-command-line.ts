// How text a host's users control (command lines, process names, facts) is made safe to show:
// control characters become spaces, so a newline in a command line cannot break logs or tables.

/** The most of a command line a sample keeps. */
export const MAX_COMMAND_LENGTH = 512;

/**
 * How much of a longer command line is cleaned: enough to fill MAX_COMMAND_LENGTH once the leading
 * blanks are gone in all but odd cases (which clean the whole line). A command line may be as long
 * as head's 16 kB cap, and a full poll has hundreds of them.
 */
const COMMAND_WINDOW = 2 * MAX_COMMAND_LENGTH;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/** Control characters as spaces. */
export function cleanText(text: string): string {
  return CONTROL_CHARACTER.test(text) ? text.replace(CONTROL_CHARACTERS, ' ') : text;
}

/**
 * /proc/<pid>/cmdline as shown: its NUL-separated (and NUL-ended) arguments joined by spaces,
 * control characters as spaces, trimmed, at most MAX_COMMAND_LENGTH characters; '' when nothing is
 * left. Only the start of a long one is cleaned: when what is kept is followed by more than blanks,
 * trimming the whole line could not have shortened it.
 */
export function cleanCommandLine(cmdline: string): string {
  if (cmdline.length > COMMAND_WINDOW) {
    const start = cleanText(cmdline.slice(0, COMMAND_WINDOW)).trimStart();
    if (start.trimEnd().length > MAX_COMMAND_LENGTH) return start.slice(0, MAX_COMMAND_LENGTH);
  }
  return cleanText(cmdline).trim().slice(0, MAX_COMMAND_LENGTH);
}
