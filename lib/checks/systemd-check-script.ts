// The sh text that asks systemd for the state of a host's checked units, for the worker to run
// over the host's SSH connection. Unit names come from the inventory, so each is checked against
// systemd's own character set (systemd-unit-name.ts) and refused otherwise, then single-quoted, and
// `--` keeps one starting with "-" (the root mount is "-.mount") from reading as an option.
// systemctl prints one block of Key=Value lines per unit, in the order asked, separated by an
// empty line (systemd-check-results.ts reads them back by position). POSIX sh only.
import { isUnitName } from './systemd-unit-name.ts';

export const SYSTEMD_SCRIPT_VERSION = 1;
export const SYSTEMD_PROPERTIES = 'Id,LoadState,ActiveState,SubState';

export class UnitNameError extends Error {
  constructor(unit: string) {
    super(`${JSON.stringify(unit)} is not a systemd unit name`);
    this.name = 'UnitNameError';
  }
}

/** Throws UnitNameError for a name systemd would not accept; parseCheckSpecs has already refused those. */
export function systemdCheckScript(units: readonly string[]): string {
  for (const unit of units) if (!isUnitName(unit)) throw new UnitNameError(unit);
  const quoted = units.map((unit) => `'${unit}'`).join(' ');
  // stderr joins stdout: "System has not been booted with systemd" is the answer on such a host.
  return `# vigil-systemd-check ${SYSTEMD_SCRIPT_VERSION}
LC_ALL=C
export LC_ALL
printf '@@systemd\\n'
if command -v systemctl >/dev/null 2>&1; then
  systemctl show --no-pager -p ${SYSTEMD_PROPERTIES} -- ${quoted} 2>&1
  printf '@@status %s\\n' "$?"
else
  printf '@@status 127\\n'
fi
printf '@@end\\n'
`;
}
