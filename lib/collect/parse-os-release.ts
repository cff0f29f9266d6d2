/** NAME and VERSION_ID (or VERSION) of /etc/os-release; values may be quoted. */
export function parseOsRelease(text: string): { name: string | null; version: string | null } {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match === null || match[1] === undefined || match[2] === undefined) continue;
    values.set(match[1], unquote(match[2]).slice(0, 200));
  }
  const name = values.get('NAME') ?? values.get('ID') ?? null;
  const version = values.get('VERSION_ID') ?? values.get('VERSION') ?? null;
  return { name: name || null, version: version || null };
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return (quoted?.[2] ?? value).replace(/\\(.)/g, '$1');
}
