// Python's str.splitlines() and str.strip(), which Ansible's INI plugin uses on every line.
// They differ from JavaScript's split and trim (\v, \f, \x1c-\x1e and \x85 break lines; a BOM
// is not whitespace), and an inventory's lines must come out the same as in Ansible.

/** The characters Python's str.isspace() accepts (what \s matches in Python's re). */
export const PYTHON_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const STRIP = new RegExp(`^[${PYTHON_SPACE}]+|[${PYTHON_SPACE}]+$`, 'g');

export function pythonSplitLines(text: string): string[] {
  const lines = text.split(LINE_BREAK);
  // splitlines() gives no empty last line for a text that ends with a line break.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function pythonStrip(text: string): string {
  return text.replace(STRIP, '');
}
