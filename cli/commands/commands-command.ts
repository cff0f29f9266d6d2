import { FORCED_COMMAND_WRAPPER, PINNED_SCRIPT_DIR, PINNED_SCRIPTS } from '../../lib/collect/forced-command-wrapper.ts';
import { POLL_SCRIPT, POLL_SCRIPT_LIGHT } from '../../lib/collect/poll-script.ts';
import type { Command } from '../command.ts';

const FILES: Record<string, string> = {
  ...Object.fromEntries(PINNED_SCRIPTS.map((script) => [script.name, script.text])),
  'forced-command': FORCED_COMMAND_WRAPPER,
};

// Without an argument: the two poll scripts, each under a labelled comment line, for reading. With
// one, that file on stdout and nothing else, so `vigil commands light > poll-light.sh` gives the
// exact file to audit or to pin; the explanation lives in --help.
export const commandsCommand: Command = {
  summary: 'Print the exact scripts Vigil runs on every host',
  usage: `vigil commands [${Object.keys(FILES).join('|')}]`,
  details: [
    'Each poll sends one of two constant scripts over SSH (after `LC_ALL=C; export LC_ALL`, inside',
    '`{ … } </dev/null`): a connection\'s first poll runs `exec /bin/sh` and writes the script on its',
    'stdin; where that shows a POSIX login shell (sh, dash, bash, busybox ash), later polls send the',
    'script as the exec command itself, which saves the host a shell per poll. Neither needs root, and no',
    'inventory value is ever pasted into them. Most polls run the light one; the full one adds every',
    'process\'s stat and command line, the host facts and the failed systemd units, and runs on a',
    'host\'s first poll, about once a minute and on every poll of',
    'a host with vigil_processes. The first line of each script names it: `# vigil-poll-script N full|light`.',
    '',
    '  vigil commands                  both poll scripts, labelled',
    '  vigil commands full             the full script alone, byte for byte',
    '  vigil commands light            the light script alone',
    '  vigil commands systemd          the systemd check script, run after each poll of a host with',
    '                                  systemd checks (vigil_checks); the unit names go on its stdin',
    '  vigil commands libvirt          the libvirt listing, run after each poll of a host with',
    '                                  vigil_libvirt; the libvirt URI goes on its stdin',
    '  vigil commands files            the file check script (one date, one stat), run after each poll',
    '                                  of a host with file checks (vigil_checks); the paths go on its stdin',
    '  vigil commands forced-command   a wrapper that runs only the pinned scripts',
    '',
    'The systemd, libvirt and file check scripts always go on stdin, with their values after them as a quoted',
    'here-document (data the shell never expands) that the script reads from the line `@@data` on.',
    '',
    'To allow Vigil\'s key to run nothing else, pin the scripts with a forced command. sshd then',
    'runs the wrapper instead of what the client asks, which it gets as SSH_ORIGINAL_COMMAND: the',
    'wrapper looks for the script\'s first line (its tag) there, or else reads the client\'s stdin only',
    `up to it, and sources the matching pinned copy. On the host, as root:`,
    '',
    `  mkdir -p ${PINNED_SCRIPT_DIR}`,
    `  vigil commands full > ${PINNED_SCRIPT_DIR}/poll-full.sh`,
    `  vigil commands light > ${PINNED_SCRIPT_DIR}/poll-light.sh`,
    `  vigil commands forced-command > ${PINNED_SCRIPT_DIR}/forced-command.sh`,
    '',
    'and, for hosts with systemd or file checks or vigil_libvirt:',
    '',
    ...PINNED_SCRIPTS.filter((script) => script.readsInput).map((script) => `  vigil commands ${script.name} > ${PINNED_SCRIPT_DIR}/${script.file}`),
    '',
    'and in the monitoring user\'s authorized_keys:',
    '',
    `  command="/bin/sh ${PINNED_SCRIPT_DIR}/forced-command.sh",no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding ssh-ed25519 AAAA…`,
    '',
    'A forced command of plain `/bin/sh` also works with every script, but pins nothing: it runs',
    'whatever the key\'s holder sends. Pinning one script alone (`command="/bin/sh …/poll-full.sh',
    '</dev/null"`) works too: every poll is then full, and costs the host what a full poll costs',
    '(systemd checks and the libvirt listing then get a poll\'s output instead, and report an error).',
    'Re-pin after upgrading Vigil if `vigil commands` prints something different: the scripts\'',
    'version is in their tag line, so the wrapper refuses a newer worker\'s scripts until you do.',
    'A wrapper pinned before Vigil sent scripts as the exec command reads stdin only; it still works',
    '(the worker then keeps sending on stdin), but the current one saves the host a little per poll.',
  ].join('\n'),
  async run(_values, positionals) {
    const which = positionals[0];
    if (which !== undefined) {
      const text = FILES[which];
      if (text === undefined) {
        process.stderr.write(`vigil commands: unknown script ${JSON.stringify(which)}; one of: ${Object.keys(FILES).join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(text.endsWith('\n') ? text : text + '\n');
      return;
    }
    process.stdout.write(`# ===== light: most polls =====\n${POLL_SCRIPT_LIGHT}\n# ===== full: first poll, about once a minute, every poll of hosts with vigil_processes =====\n${POLL_SCRIPT}`);
  },
};
