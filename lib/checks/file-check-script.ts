// The sh script that reads the modification times of a host's checked files (vigil_checks
// `file:`), for the worker to run over the host's SSH connection after a poll. A constant, as the
// systemd script is (`vigil commands files` prints it, a forced command can pin it): the paths,
// which come from the inventory, reach it as data on its stdin (script-input.ts). The host's own
// clock is read with the times, so an age never depends on the worker's clock; a symbolic link is
// followed (a "latest" link to the newest backup is dated by the backup). One `date` and one
// `stat` for all the files; a path stat cannot see (missing, or in a directory the monitoring user
// may not enter) is absent from its answer. POSIX sh and busybox alike.
import { SCRIPT_INPUT_READER, withScriptInput } from './script-input.ts';

export const FILE_SCRIPT_VERSION = 1;

export const FILE_CHECK_SCRIPT = `# vigil-file-check ${FILE_SCRIPT_VERSION}
LC_ALL=C
export LC_ALL
${SCRIPT_INPUT_READER}
printf '@@files\\n@@now %s\\n' "$(date +%s)"
[ "$#" -gt 0 ] && stat -L -c '%Y %n' -- "$@" 2>/dev/null
printf '@@end\\n'
`;

/** The text to run for `paths`: the constant script with the paths on its stdin. parseCheckSpecs has refused paths that cannot travel as one line. */
export function fileCheckScript(paths: readonly string[]): string {
  return withScriptInput(FILE_CHECK_SCRIPT, paths);
}
