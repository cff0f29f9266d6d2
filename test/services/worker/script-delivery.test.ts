import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePollOutput } from '../../../lib/collect/parse-poll-output.ts';
import { POLL_SCRIPT, POLL_SCRIPT_LIGHT, POLL_SCRIPT_VERSION } from '../../../lib/collect/poll-script.ts';
import {
  commandPathText, isWholePollOutput, mayTakeCommandPath, scriptPathAfterProbe, stdinPathText, takeLoginShellReport,
} from '../../../services/worker/script-delivery.ts';

const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();

/** `shell -c TEXT`, as sshd runs a command through the login shell. */
function runAsCommand(shell: string[], text: string, env: NodeJS.ProcessEnv = process.env) {
  const [file, ...args] = shell;
  assert.ok(file);
  return spawnSync(file, [...args, '-c', text], { encoding: 'utf8', env, input: '', timeout: 30_000 });
}

void test('POSIX shells run the command path text as a whole poll: dash, bash, busybox ash', () => {
  assert.ok(busybox, 'busybox is not installed (apt-get install -y busybox)');
  for (const shell of [['/bin/dash'], ['/bin/bash'], [busybox, 'ash']]) {
    for (const script of [POLL_SCRIPT_LIGHT, POLL_SCRIPT]) {
      const result = runAsCommand(shell, commandPathText(script));
      assert.equal(result.status, 0, `${shell.join(' ')}: ${result.stderr}`);
      assert.equal(result.stderr, '', shell.join(' '));
      assert.ok(isWholePollOutput(result.stdout), shell.join(' '));
      assert.deepEqual(parsePollOutput(result.stdout).missing, [], shell.join(' '));
    }
  }
});

void test('csh and tcsh run not one line of the command path text: the guard replaces them with an exit first', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-guard-'));
  try {
    const marker = join(dir, 'ran');
    const script = `# vigil-poll-script ${POLL_SCRIPT_VERSION} light\ntouch ${marker}\nprintf '@@vigil ${POLL_SCRIPT_VERSION} light\\n@@end\\n'`;
    for (const shell of ['/usr/bin/tcsh', '/usr/bin/csh']) {
      assert.ok(existsSync(shell), `${shell} is not installed (apt-get install -y tcsh)`);
      // Without PATH too: the guard must not rely on finding a command.
      for (const env of [process.env, { PATH: '/nonexistent' }]) {
        const result = runAsCommand([shell], commandPathText(script), env);
        assert.equal(result.status, 1, shell);
        assert.equal(result.stdout, '', shell);
        assert.equal(existsSync(marker), false, `${shell} ran the script`);
      }
    }
    // The same text does run in a POSIX shell: the marker is a fair witness.
    const posix = runAsCommand(['/bin/dash'], commandPathText(script));
    assert.equal(posix.status, 0);
    assert.equal(existsSync(marker), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the stdin path text reports $SHELL on stderr first, and the report comes off before anyone sees the output', () => {
  const result = spawnSync('/bin/sh', [], { input: stdinPathText(POLL_SCRIPT_LIGHT), encoding: 'utf8', env: { ...process.env, SHELL: '/usr/bin/fish' } });
  assert.equal(result.status, 0);
  assert.equal(result.stderr, 'vigil-login-shell /usr/bin/fish\n');
  const taken = takeLoginShellReport({ stdout: result.stdout, stderr: result.stderr, exitCode: 0 });
  assert.equal(taken.loginShell, '/usr/bin/fish');
  assert.deepEqual(taken.output, { stdout: result.stdout, stderr: '', exitCode: 0 });
  assert.deepEqual(takeLoginShellReport({ stdout: '', stderr: 'boom\n', exitCode: 2 }), { output: { stdout: '', stderr: 'boom\n', exitCode: 2 }, loginShell: null });
  assert.deepEqual(takeLoginShellReport({ stdout: '', stderr: 'vigil-login-shell /bin/sh\nboom\n', exitCode: 2 }).output.stderr, 'boom\n');
});

void test('the command path is chosen for the tested POSIX login shells and for a forced command, stdin for anything else', () => {
  for (const shell of ['/bin/sh', '/usr/bin/sh', '/bin/dash', '/bin/bash', '/usr/bin/bash', '/bin/ash']) assert.equal(scriptPathAfterProbe(shell), 'command', shell);
  for (const shell of ['/usr/bin/fish', '/bin/tcsh', '/bin/csh', '/usr/bin/zsh', '/bin/rbash', '/bin/busybox', '/usr/bin/nu', 'bash', '', '/bin/bash\n/x']) {
    assert.equal(scriptPathAfterProbe(shell), 'stdin', JSON.stringify(shell));
  }
  assert.equal(scriptPathAfterProbe(null), 'command', 'no report beside a whole poll: a forced command ran a pinned script');
});

void test('only tagged poll scripts may take the command path, and only output from header to @@end is a whole poll', () => {
  assert.equal(mayTakeCommandPath(POLL_SCRIPT), true);
  assert.equal(mayTakeCommandPath(POLL_SCRIPT_LIGHT), true);
  assert.equal(mayTakeCommandPath('printf hello'), false);
  assert.equal(mayTakeCommandPath('echo "# vigil-poll-script 4 light"'), false);
  assert.equal(isWholePollOutput(`@@vigil 4 light\n@@end\n`), true);
  assert.equal(isWholePollOutput(`motd from a .bashrc\n@@vigil 4 full\n@@os\nLinux\n@@end\n`), true);
  assert.equal(isWholePollOutput(`@@vigil 4 light\n@@files\n`), false, 'cut short');
  assert.equal(isWholePollOutput(''), false);
  assert.equal(isWholePollOutput('Illegal variable name.\n@@end\n'), false);
});
