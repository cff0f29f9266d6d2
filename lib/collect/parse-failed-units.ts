/**
 * `systemctl list-units --state=failed --no-legend --plain`: "name.service loaded failed failed Description".
 * Older systemctl prints a "●" before the name even with --plain. Empty output is no failed unit.
 */
export function parseFailedUnits(text: string): string[] {
  const units: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().replace(/^●\s*/, '').split(/\s+/);
    const name = fields[0];
    if (name === undefined || !/^[\w:.@\\-]+\.[a-z]+$/.test(name) || name.length > 256) continue;
    if (!units.includes(name)) units.push(name);
  }
  return units;
}
