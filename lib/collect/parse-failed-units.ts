// Compiled once: a regex literal in a loop is a new RegExp object on every pass.
const BULLET = /^●\s*/;
const FIELD_SEPARATOR = /\s+/;
const UNIT_NAME = /^[\w:.@\\-]+\.[a-z]+$/;

/**
 * `systemctl list-units --state=failed --no-legend --plain`: "name.service loaded failed failed Description".
 * Older systemctl prints a "●" before the name even with --plain. Empty output is no failed unit.
 */
export function parseFailedUnits(text: string): string[] {
  const units: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().replace(BULLET, '').split(FIELD_SEPARATOR);
    const name = fields[0];
    if (name === undefined || !UNIT_NAME.test(name) || name.length > 256) continue;
    if (!units.includes(name)) units.push(name);
  }
  return units;
}
