// How a poll script reaches the host's shell: on stdin of `exec /bin/sh`, or as the exec command.
//
// sshd runs every exec request as `$LOGIN_SHELL -c COMMAND`. On stdin, the login shell only runs
// `exec /bin/sh`, which then reads the script: any login shell can do that (fish, tcsh, zsh…), but
// the host starts two shells per poll. As the command itself, the login shell runs the script:
// one shell (measured 0.80x the host CPU of a light poll, BENCHMARKS.md), but only a POSIX login
// shell can. The user's login shell can be anything, so the worker learns it once per connection:
//
// 1. A connection's first polls go on stdin, behind one line that reports `$SHELL` on stderr
//    (sshd sets SHELL to the very shell it runs the command with, from the passwd entry).
// 2. A shell on LOGIN_SHELLS_FOR_COMMAND, or no report at all beside a complete poll output (our
//    text did not run: a forced command ran the pinned scripts, which sshd gives our command only
//    as SSH_ORIGINAL_COMMAND, so no login shell ever parses it), switches the connection to the
//    command path. Anything else keeps stdin.
// 3. A command-path poll whose output is not a whole poll (no `@@vigil` header or no `@@end`) is run
//    again on stdin, and if that one is whole the connection stays on stdin: $SHELL can lie (a
//    user's rc file or PermitUserEnvironment may set it), a pinned wrapper may predate the command
//    path, a .bashrc may `set -e`. The retry shares the poll's timeout.
//
// Only scripts carrying a poll script's tag line (`# vigil-poll-script N kind`) take the command
// path: "whole output" means something only for them, and the forced-command wrapper picks its
// pinned copy by that tag. Anything else (tests' scripts) always goes on stdin, as before.
import type { CommandOutput } from './command-runner.ts';

export type ScriptPath = 'unknown' | 'stdin' | 'command';

/** What the worker asks sshd to run on the stdin path. */
export const STDIN_PATH_COMMAND = 'exec /bin/sh';

/** Prefix of the line the stdin path's text writes to stderr first. */
export const LOGIN_SHELL_REPORT = 'vigil-login-shell ';

/**
 * Login shells (by the name of $SHELL) known to run the poll scripts as `-c` text: checked against
 * real sshd hosts in test/services/worker/ssh-script-path.test.ts. Left out on purpose: zsh (its
 * NOMATCH aborts the command on a glob that matches nothing, e.g. /sys/devices/virtual/net/* in a
 * container without sysfs), rbash (refuses redirections), busybox (argv[0] "busybox" is no shell),
 * and any shell not tested here (ksh, mksh, yash…), which keep the stdin path and cost what they did.
 */
export const LOGIN_SHELLS_FOR_COMMAND: ReadonlySet<string> = new Set(['sh', 'dash', 'bash', 'ash']);

/**
 * First lines of the command path. A POSIX shell sees `:` with one quoted argument, a no-op. A
 * csh or tcsh, which runs `-c` text line by line and goes on after errors, stops at the unmatched
 * quote's line and replaces itself with `/bin/sh -c "exit 1"` on the next, so not one line of the
 * script runs there (`exit` is not enough: tcsh 6.24 ignores it after a `;` or a newline). fish
 * parses the whole text before running any of it and rejects the script's `${…}` and `if; then`.
 * Only reached when $SHELL lied: defence in depth behind LOGIN_SHELLS_FOR_COMMAND.
 */
export const NON_POSIX_GUARD = `: '
exec /bin/sh -c "exit 1"
'
`;

/**
 * The shell reads a whole compound command before running it, so the braces make sh take in
 * the entire script first; the redirect then keeps its commands from eating the script as input.
 */
export function wrapScript(script: string): string {
  return `LC_ALL=C; export LC_ALL\n{\n${script}\n} </dev/null\n`;
}

/** What the stdin path writes on the channel: the login shell report, then the wrapped script. */
export function stdinPathText(script: string): string {
  return `printf '${LOGIN_SHELL_REPORT}%s\\n' "$SHELL" >&2\n${wrapScript(script)}`;
}

/** The exec command of the command path; sshd hands it to the login shell, or to a forced command as SSH_ORIGINAL_COMMAND. */
export function commandPathText(script: string): string {
  return NON_POSIX_GUARD + wrapScript(script);
}

const TAG_LINE = /^# vigil-poll-script \d+ (?:full|light)$/m;

/** Whether the script may take the command path: only poll scripts, which name themselves on a tag line. */
export function mayTakeCommandPath(script: string): boolean {
  return TAG_LINE.test(script.slice(0, 512));
}

/** Takes the login shell report off the front of stderr: the output as the script alone made it, and the reported shell (null: no report). */
export function takeLoginShellReport(output: CommandOutput): { output: CommandOutput; loginShell: string | null } {
  if (!output.stderr.startsWith(LOGIN_SHELL_REPORT)) return { output, loginShell: null };
  const end = output.stderr.indexOf('\n');
  const line = end === -1 ? output.stderr : output.stderr.slice(0, end);
  const stderr = end === -1 ? '' : output.stderr.slice(end + 1);
  return { output: { ...output, stderr }, loginShell: line.slice(LOGIN_SHELL_REPORT.length) };
}

/** A poll script's output from start to end: its header line and its closing `@@end`. */
export function isWholePollOutput(stdout: string): boolean {
  return (stdout.startsWith('@@vigil ') || stdout.includes('\n@@vigil ')) && stdout.endsWith('\n@@end\n');
}

/**
 * The path a connection takes after its first whole stdin-path poll. `loginShell` is null when
 * the report was missing: our text never ran, a forced command answered with a pinned script.
 */
export function scriptPathAfterProbe(loginShell: string | null): ScriptPath {
  if (loginShell === null) return 'command';
  if (!loginShell.startsWith('/')) return 'stdin';
  const name = loginShell.slice(loginShell.lastIndexOf('/') + 1);
  return LOGIN_SHELLS_FOR_COMMAND.has(name) ? 'command' : 'stdin';
}
