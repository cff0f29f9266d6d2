// How a constant script gets the few values that vary per host (a systemd check's unit names, a
// libvirt host's URI): as data on the script's stdin, never as shell text. The script starts with
// SCRIPT_INPUT_READER, which skips input up to a line `@@data` and takes every line after it, up
// to `@@end-data`, as one positional parameter. withScriptInput sends the values as a quoted
// here-document, which the shell never expands, so the script can stay byte for byte what
// `vigil commands` prints and an operator pins.
//
// Skipping up to `@@data` is what lets a forced-command wrapper run the pinned copy: the wrapper
// reads the client's stdin only up to the script's tag line and sources the pinned script, whose
// reader then goes through the rest of the sent text to the values. No line of a script is
// exactly `@@data` or `@@end-data` (the reader's own test of them is quoted inside a longer line).

/** The line before the values, and the one after them. */
export const INPUT_START = '@@data';
export const INPUT_END = '@@end-data';
/** The here-document's delimiter: a line no value can be. */
export const INPUT_DELIMITER = '@@vigil-input';

/** POSIX sh: sets "$@" to the values, in order. `read -r` with an empty IFS keeps each line as it was sent. */
export const SCRIPT_INPUT_READER = `set --
vigil_reading=
while IFS= read -r vigil_line; do
  if [ -n "$vigil_reading" ]; then
    [ "$vigil_line" = '${INPUT_END}' ] && break
    set -- "$@" "$vigil_line"
  elif [ "$vigil_line" = '${INPUT_START}' ]; then
    vigil_reading=1
  fi
done`;

export class ScriptInputError extends Error {
  constructor(value: string) {
    super(`${JSON.stringify(value)} cannot be sent to a script: a value is one line of printable characters and no marker of Vigil's`);
    this.name = 'ScriptInputError';
  }
}

const MARKERS: ReadonlySet<string> = new Set([INPUT_START, INPUT_END, INPUT_DELIMITER]);

/** Whether `value` can travel as one line of input: printable, no newline or other control character, no marker. */
export function isScriptInputValue(value: string): boolean {
  return !/[\u0000-\u001f\u007f]/.test(value) && !MARKERS.has(value);
}

/** The text to run: `script` with `values` on its stdin. Throws ScriptInputError for a value that cannot be one line. */
export function withScriptInput(script: string, values: readonly string[]): string {
  for (const value of values) if (!isScriptInputValue(value)) throw new ScriptInputError(value);
  const lines = [INPUT_START, ...values, INPUT_END].join('\n');
  return `{\n${script}\n} <<'${INPUT_DELIMITER}'\n${lines}\n${INPUT_DELIMITER}\n`;
}
