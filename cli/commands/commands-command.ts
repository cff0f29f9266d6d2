import { POLL_SCRIPT } from '../../lib/collect/poll-script.ts';
import type { Command } from '../command.ts';

// The script on stdout and nothing else, so `vigil commands > poll.sh` gives the exact file to
// audit or to pin; the explanation lives in --help.
export const commandsCommand: Command = {
  summary: 'Print the exact script Vigil runs on every host',
  usage: 'vigil commands',
  details: [
    'Each poll runs `exec /bin/sh` over SSH and feeds it this script on stdin (after `LC_ALL=C; export LC_ALL`).',
    'The script is a constant: no inventory value is ever pasted into it. It needs no root.',
    '',
    'To allow Vigil\'s key to run nothing else, save the output on the host (e.g. /usr/local/lib/vigil/poll.sh)',
    'and pin it as a forced command in the monitoring user\'s authorized_keys:',
    '',
    '  command="/bin/sh /usr/local/lib/vigil/poll.sh </dev/null",no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding ssh-ed25519 AAAA…',
    '',
    'sshd then runs the pinned script whatever the client asks for; its output is the same.',
    'Re-pin after upgrading Vigil if `vigil commands` prints something different.',
  ].join('\n'),
  async run() {
    process.stdout.write(POLL_SCRIPT.endsWith('\n') ? POLL_SCRIPT : POLL_SCRIPT + '\n');
  },
};
