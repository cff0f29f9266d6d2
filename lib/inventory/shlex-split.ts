// Python's shlex.split(line, comments=True) in POSIX mode, which Ansible's INI plugin uses to
// cut a host line into its name and key=value words: whitespace separates, ' and " quote,
// backslash escapes (inside "..." only before " and \), and # outside quotes ends the line.

export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';

export function shlexSplit(line: string): string[] {
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (WHITESPACE.includes(c)) {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
      i++;
    } else if (c === '#') {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation');
      token += line.slice(i + 1, end);
      inToken = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new ShlexError('No closing quotation');
        const d = line[i] as string;
        if (d === '"') break;
        if (d === '\\') {
          const next = line[i + 1];
          if (next === undefined) throw new ShlexError('No closing quotation');
          token += next === '"' || next === '\\' ? next : d + next;
          i += 2;
          continue;
        }
        token += d;
        i++;
      }
      inToken = true;
      i++;
    } else if (c === '\\') {
      const next = line[i + 1];
      if (next === undefined) throw new ShlexError('No escaped character');
      token += next;
      inToken = true;
      i += 2;
    } else {
      token += c;
      inToken = true;
      i++;
    }
  }
  if (inToken) tokens.push(token);
  return tokens;
}
