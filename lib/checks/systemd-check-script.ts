// The sh script that asks systemd for the state of a host's checked units, for the worker to run
// over the host's SSH connection. It is a constant (`vigil commands systemd` prints it, and a
// forced command can pin it): the unit names, which come from the inventory, reach it as data on
// its stdin (script-input.ts), and only after they are checked against systemd's own character set
// (systemd-unit-name.ts). `--` keeps one starting with "-" (the root mount is "-.mount") from
// reading as an option. systemctl prints one block of Key=Value lines per unit, in the order asked,
// separated by an empty line (systemd-check-results.ts reads them back by position). POSIX sh only.
import { SCRIPT_INPUT_READER, withScriptInput } from './script-input.ts';
import { isUnitName } from './systemd-unit-name.ts';

/** 2: unit names on stdin, not in the text (1: single-quoted into it). */
export const SYSTEMD_SCRIPT_VERSION = 2;
export const SYSTEMD_PROPERTIES = 'Id,LoadState,ActiveState,SubState';

// stderr joins stdout: "System has not been booted with systemd" is the answer on such a host.
// Without units systemctl would show the manager's own properties: that is exit status 64.
export const SYSTEMD_CHECK_SCRIPT = `# vigil-systemd-check ${SYSTEMD_SCRIPT_VERSION}
LC_ALL=C
export LC_ALL
${SCRIPT_INPUT_READER}
printf '@@systemd\\n'
if [ "$#" -eq 0 ]; then
  printf 'no unit names on stdin\\n@@status 64\\n'
elif command -v systemctl >/dev/null 2>&1; then
  systemctl show --no-pager -p ${SYSTEMD_PROPERTIES} -- "$@" 2>&1
  printf '@@status %s\\n' "$?"
else
  printf '@@status 127\\n'
fi
printf '@@end\\n'
`;

export class UnitNameError extends Error {
  constructor(unit: string) {
    super(`${JSON.stringify(unit)} is not a systemd unit name`);
    this.name = 'UnitNameError';
  }
}

/** The text to run for `units`: the constant script with the names on its stdin. Throws UnitNameError for a name systemd would not accept; parseCheckSpecs has already refused those. */
export function systemdCheckScript(units: readonly string[]): string {
  for (const unit of units) if (!isUnitName(unit)) throw new UnitNameError(unit);
  return withScriptInput(SYSTEMD_CHECK_SCRIPT, units);
}
