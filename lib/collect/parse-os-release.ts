// Compiled once: a regex literal in a loop is a new RegExp object on every pass.
const ASSIGNMENT = /^([A-Z_]+)=(.*)$/;
const QUOTED = /^(["'])(.*)\1$/;
const ESCAPE = /\\(.)/g;
/** The keys read below: the values of the others are not unquoted. */
const USED_KEYS = new Set(['NAME', 'ID', 'VERSION_ID', 'VERSION']);

/** NAME and VERSION_ID (or VERSION) of /etc/os-release; values may be quoted. */
export function parseOsRelease(text: string): { name: string | null; version: string | null } {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    // Only lines of USED_KEYS matter, and they start with one of these letters: the others skip the regex.
    const first = trimmed.charCodeAt(0);
    if (first !== 78 /* N */ && first !== 73 /* I */ && first !== 86 /* V */) continue;
    const match = ASSIGNMENT.exec(trimmed);
    if (match === null || match[1] === undefined || match[2] === undefined || !USED_KEYS.has(match[1])) continue;
    values.set(match[1], unquote(match[2]).slice(0, 200));
  }
  const name = values.get('NAME') ?? values.get('ID') ?? null;
  const version = values.get('VERSION_ID') ?? values.get('VERSION') ?? null;
  return { name: name || null, version: version || null };
}

function unquote(value: string): string {
  const quoted = QUOTED.exec(value);
  return (quoted?.[2] ?? value).replace(ESCAPE, '$1');
}
