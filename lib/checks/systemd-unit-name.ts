// systemd unit names as systemd.unit(5) allows them: a prefix of ASCII letters, digits, ":", "-",
// "_", "." and "\" (an optional "@instance" for templates), a type suffix, 255 characters at most.
// Names are checked against exactly this before they go anywhere near a shell (systemd-check-script.ts).

export const UNIT_TYPES = ['service', 'socket', 'device', 'mount', 'automount', 'swap', 'target', 'path', 'timer', 'slice', 'scope'] as const;

export const UNIT_NAME_MAX = 255;

const PREFIX = String.raw`[A-Za-z0-9:_.\\-]+`;
const INSTANCE = String.raw`[A-Za-z0-9:_.\\-]*`;
const UNIT_NAME = new RegExp(`^${PREFIX}(?:@${INSTANCE})?\\.(?:${UNIT_TYPES.join('|')})$`);
const TYPE_SUFFIX = new RegExp(`\\.(?:${UNIT_TYPES.join('|')})$`);

export function isUnitName(name: string): boolean {
  return name.length <= UNIT_NAME_MAX && UNIT_NAME.test(name);
}

/**
 * The full unit name as systemctl would read what was written ("nginx" is "nginx.service"), or
 * null when it is not a valid name. Unlike systemctl, invalid characters are refused, not escaped.
 */
export function normalizeUnitName(written: string): string | null {
  const name = TYPE_SUFFIX.test(written) ? written : `${written}.service`;
  return isUnitName(name) ? name : null;
}
