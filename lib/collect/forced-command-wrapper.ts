// The forced command an operator can pin for Vigil's key, and the scripts it runs: everything the
// worker ever runs on a host, each a constant that `vigil commands NAME` prints byte for byte.
import { FILE_CHECK_SCRIPT } from '../checks/file-check-script.ts';
import { LIBVIRT_SCRIPT } from '../checks/libvirt-script.ts';
import { SYSTEMD_CHECK_SCRIPT } from '../checks/systemd-check-script.ts';
import { POLL_SCRIPT, POLL_SCRIPT_LIGHT } from './poll-script.ts';

/** Where FORCED_COMMAND_WRAPPER expects the pinned copies of the scripts. */
export const PINNED_SCRIPT_DIR = '/usr/local/lib/vigil';

export interface PinnedScript {
  /** The `vigil commands` argument that prints it. */
  name: string;
  /** Its file in PINNED_SCRIPT_DIR. */
  file: string;
  /** Its first line (`# vigil-… VERSION …`), which names it to the wrapper. */
  tag: string;
  text: string;
  /** Whether it reads values on stdin (script-input.ts): the wrapper then leaves stdin open. */
  readsInput: boolean;
}

function firstLine(text: string): string {
  return text.slice(0, text.indexOf('\n'));
}

export const PINNED_SCRIPTS: readonly PinnedScript[] = [
  { name: 'full', file: 'poll-full.sh', tag: firstLine(POLL_SCRIPT), text: POLL_SCRIPT, readsInput: false },
  { name: 'light', file: 'poll-light.sh', tag: firstLine(POLL_SCRIPT_LIGHT), text: POLL_SCRIPT_LIGHT, readsInput: false },
  { name: 'systemd', file: 'systemd-check.sh', tag: firstLine(SYSTEMD_CHECK_SCRIPT), text: SYSTEMD_CHECK_SCRIPT, readsInput: true },
  { name: 'libvirt', file: 'libvirt.sh', tag: firstLine(LIBVIRT_SCRIPT), text: LIBVIRT_SCRIPT, readsInput: true },
  { name: 'files', file: 'file-check.sh', tag: firstLine(FILE_CHECK_SCRIPT), text: FILE_CHECK_SCRIPT, readsInput: true },
];

const POLL_SCRIPTS_PINNED = PINNED_SCRIPTS.filter((script) => !script.readsInput);

/**
 * A forced command for Vigil's key (authorized_keys `command="/bin/sh /usr/local/lib/vigil/forced-command.sh"`)
 * that runs one of the pinned scripts and never anything the client sent. The worker sends a poll
 * script one of two ways (services/worker/script-delivery.ts): as the exec command itself, which
 * sshd hands a forced command in SSH_ORIGINAL_COMMAND, or as `exec /bin/sh` with the script on
 * stdin; it sends the scripts that read values on stdin only. The wrapper looks for the script's
 * tag line (a line of its own) in SSH_ORIGINAL_COMMAND first, and else reads stdin up to it; it
 * sources the matching pinned copy, with stdin closed for a poll script and left open for one that
 * reads values (which it finds further on), and refuses anything else. Sourced, not exec'd: a
 * second shell would cost the host another millisecond per poll. A Vigil upgrade that changes a
 * script changes its tag's version, and it fails until the new one is pinned. A wrapper pinned
 * before the command path existed reads stdin only: it refuses command-path polls, and the worker
 * goes back to stdin.
 */
export const FORCED_COMMAND_WRAPPER = `# Vigil's forced command: runs a pinned script chosen by the tag line the client sends.
vigil_nl='
'
case $SSH_ORIGINAL_COMMAND in
${POLL_SCRIPTS_PINNED.map((s) => `  *"$vigil_nl${s.tag}$vigil_nl"*) exec </dev/null; . ${PINNED_SCRIPT_DIR}/${s.file}; exit 0 ;;`).join('\n')}
esac
while IFS= read -r vigil_line; do
  case $vigil_line in
${PINNED_SCRIPTS.map((s) => `    '${s.tag}') ${s.readsInput ? '' : 'exec </dev/null; '}. ${PINNED_SCRIPT_DIR}/${s.file}; exit 0 ;;`).join('\n')}
  esac
done
printf 'vigil: not a pinned Vigil script (${PINNED_SCRIPTS.map((s) => s.tag.slice(2)).join(', ')})\\n' >&2
exit 1
`;
