// How the worker sends poll scripts to real OpenSSH hosts of different login shells: on stdin
// first, then as the exec command (one shell per poll) where the login shell is POSIX, never where
// it is not (tcsh), and back to stdin where the command path does not give a whole poll.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCheckSpecs } from '../../../lib/checks/parse-check-specs.ts';
import { FORCED_COMMAND_WRAPPER, PINNED_SCRIPT_DIR, PINNED_SCRIPTS } from '../../../lib/collect/forced-command-wrapper.ts';
import { POLL_SCRIPT_VERSION } from '../../../lib/collect/poll-script.ts';
import type { PollScriptKind } from '../../../lib/collect/poll-script.ts';
import type { HostSnapshot } from '../../../lib/collect/sample.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob } from '../../../lib/poll/poll-messages.ts';
import { PollError } from '../../../services/worker/command-runner.ts';
import { createLibvirtGuestMemory, withLibvirtGuests } from '../../../services/worker/libvirt-guests.ts';
import { runSystemdChecks } from '../../../services/worker/run-host-checks.ts';
import { pollHost } from '../../../services/worker/poll-host.ts';
import { SshConnections } from '../../../services/worker/ssh-connections.ts';
import { writeFakeSystemctl } from '../../support/fake-systemctl.ts';
import { startTestSshd } from '../../support/sshd.ts';
import type { TestSshd, TestSshdOptions } from '../../support/sshd.ts';

const started: TestSshd[] = [];
const dirs: string[] = [];

after(async () => {
  await Promise.all(started.map((sshd) => sshd.stop()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function host(options: TestSshdOptions = {}): Promise<HostTarget> {
  const sshd = await startTestSshd(options);
  started.push(sshd);
  return {
    name: `box-${sshd.port}`, connection: 'ssh', address: sshd.host, port: sshd.port, user: sshd.user,
    privateKeyFile: sshd.clientKeyFile, intervalSec: 10, groups: [],
  };
}

/**
 * A tagged script (so it may take the command path) that tells which program runs it: on the
 * command path the login shell itself, on the stdin path the /bin/sh the login shell exec'd.
 */
const WHO_RUNS_IT = `# vigil-poll-script ${POLL_SCRIPT_VERSION} light
printf '@@vigil ${POLL_SCRIPT_VERSION} light\\n'
printf 'exe=%s\\n' "$(readlink /proc/$$/exe)"
printf '@@end\\n'`;

async function exeRunningScripts(pool: SshConnections, target: HostTarget): Promise<string> {
  const out = await pool.exec(target, WHO_RUNS_IT, 10_000);
  assert.equal(out.stderr, '', 'the login shell report never reaches the caller');
  const exe = /^exe=(.*)$/m.exec(out.stdout)?.[1];
  assert.ok(exe, out.stdout);
  return exe;
}

/** A full poll, then a light one against it, as the worker runs them; both must be whole samples. */
async function pollFullThenLight(pool: SshConnections, target: HostTarget): Promise<void> {
  let previous: HostSnapshot | undefined;
  for (const kind of ['full', 'light'] as PollScriptKind[]) {
    const job: PollJob = { target, seq: 1, scheduledAt: Date.now(), expiresAt: Date.now() + 60_000 };
    const { result, snapshot } = await pollHost(pool.runnerFor(target), job, previous, { kind });
    assert.ok(result.kind === 'sample' && snapshot, `${kind} poll of ${target.user}: ${JSON.stringify(result)}`);
    assert.equal(result.sample.pollScript, kind);
    assert.deepEqual(result.sample.missing, [], `${kind} poll of ${target.user}`);
    previous = snapshot;
  }
}

const SHELLS: { loginShell: TestSshdOptions['loginShell']; exe: RegExp }[] = [
  { loginShell: undefined, exe: /\/dash$/ },
  { loginShell: 'bash', exe: /\/bash$/ },
  { loginShell: 'busybox-ash', exe: /\/busybox$/ },
];

for (const { loginShell, exe } of SHELLS) {
  void test(`login shell ${loginShell ?? 'sh (dash)'}: the first poll goes on stdin, the next ones as the exec command, run by the login shell alone`, async () => {
    const target = await host(loginShell ? { loginShell } : {});
    const pool = new SshConnections();
    try {
      assert.equal(pool.scriptPathOf(target.name), null);
      // On stdin, the login shell exec'd /bin/sh (dash here), whatever the login shell was.
      assert.match(await exeRunningScripts(pool, target), /\/dash$/);
      assert.equal(pool.scriptPathOf(target.name), 'command');
      assert.match(await exeRunningScripts(pool, target), exe, 'one shell: the login shell ran the script');
      await pollFullThenLight(pool, target);
      assert.equal(pool.scriptPathOf(target.name), 'command');
    } finally {
      pool.closeAll();
    }
  });
}

void test('login shell tcsh, not POSIX: every poll goes on stdin, and works', async () => {
  const target = await host({ loginShell: 'tcsh' });
  const pool = new SshConnections();
  try {
    assert.match(await exeRunningScripts(pool, target), /\/dash$/);
    assert.equal(pool.scriptPathOf(target.name), 'stdin');
    await pollFullThenLight(pool, target);
    assert.match(await exeRunningScripts(pool, target), /\/dash$/);
    assert.equal(pool.scriptPathOf(target.name), 'stdin');
  } finally {
    pool.closeAll();
  }
});

void test('login shell tcsh with $SHELL saying /bin/sh: the command path gives no whole poll, the poll is redone on stdin and the connection stays there', async () => {
  const target = await host({ loginShell: 'tcsh', setEnv: { SHELL: '/bin/sh' } });
  const pool = new SshConnections();
  try {
    await exeRunningScripts(pool, target);
    assert.equal(pool.scriptPathOf(target.name), 'command', 'the report believed');
    // tcsh gets the script as its command: the guard stops it before any line runs, and the
    // same poll comes back whole from the stdin path.
    assert.match(await exeRunningScripts(pool, target), /\/dash$/);
    assert.equal(pool.scriptPathOf(target.name), 'stdin');
    await pollFullThenLight(pool, target);
  } finally {
    pool.closeAll();
  }
});

void test('on the command path the exit status and stderr come back as the script left them, and a timeout is timeout-exec', async () => {
  const target = await host({ loginShell: 'bash' });
  const pool = new SshConnections();
  try {
    await exeRunningScripts(pool, target);
    assert.equal(pool.scriptPathOf(target.name), 'command');
    const tagged = `# vigil-poll-script ${POLL_SCRIPT_VERSION} light\nprintf '@@vigil ${POLL_SCRIPT_VERSION} light\\n@@end\\n'\nprintf 'oops\\n' >&2\nexit 3`;
    const out = await pool.exec(target, tagged, 10_000);
    assert.deepEqual(out, { stdout: `@@vigil ${POLL_SCRIPT_VERSION} light\n@@end\n`, stderr: 'oops\n', exitCode: 3 });
    await assert.rejects(pool.exec(target, `# vigil-poll-script ${POLL_SCRIPT_VERSION} light\nsleep 5`, 1000),
      (err: unknown) => err instanceof PollError && err.reason === 'timeout-exec');
    // A fresh connection learns its path anew.
    assert.equal(pool.scriptPathOf(target.name), null);
    await pollFullThenLight(pool, target);
    assert.equal(pool.scriptPathOf(target.name), 'command');
  } finally {
    pool.closeAll();
  }
});

async function pinnedScripts(wrapper: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-pinned-'));
  dirs.push(dir);
  await chmod(dir, 0o755);
  for (const script of PINNED_SCRIPTS) await writeFile(join(dir, script.file), script.text, { mode: 0o644 });
  await writeFile(join(dir, 'forced-command.sh'), wrapper.replaceAll(PINNED_SCRIPT_DIR, dir), { mode: 0o644 });
  return join(dir, 'forced-command.sh');
}

void test('forced command: the pinned wrapper answers both paths, and a wrapper from before the command path sends the worker back to stdin', async () => {
  const wrapper = await pinnedScripts(FORCED_COMMAND_WRAPPER);
  // The stdin-only wrapper Vigil printed before the command path.
  const oldWrapper = await pinnedScripts(FORCED_COMMAND_WRAPPER.replace(/^case \$SSH_ORIGINAL_COMMAND in[^]*?^esac\n/m, ''));
  for (const [file, path] of [[wrapper, 'command'], [oldWrapper, 'stdin']] as const) {
    const target = await host({ forceCommand: `/bin/sh ${file}` });
    const pool = new SshConnections();
    try {
      // Our text never runs under a forced command: no login shell report, but a whole poll.
      await pollFullThenLight(pool, target);
      assert.equal(pool.scriptPathOf(target.name), path, file);
      await pollFullThenLight(pool, target);
      assert.equal(pool.scriptPathOf(target.name), path, file);
      // Whatever the client sends, only the pinned scripts run.
      const out = await pool.exec(target, WHO_RUNS_IT, 10_000);
      assert.doesNotMatch(out.stdout, /^exe=/m);
      assert.match(out.stdout, /^@@vigil \d+ light\n/);
    } finally {
      pool.closeAll();
    }
  }
});

void test('forced command: the pinned wrapper also runs the systemd checks and the libvirt listing, with the values the worker sends as data', async () => {
  const wrapper = await pinnedScripts(FORCED_COMMAND_WRAPPER);
  const fakes = await mkdtemp(join(tmpdir(), 'vigil-fake-systemctl-'));
  dirs.push(fakes);
  const bin = await writeFakeSystemctl(fakes);
  const target = await host({ forceCommand: `/bin/sh ${wrapper}`, setEnv: { PATH: `${bin}:/usr/local/bin:/usr/bin:/bin` } });
  const pool = new SshConnections();
  try {
    await pollFullThenLight(pool, target);
    const parsed = parseCheckSpecs(target.name, [{ systemd: 'nginx' }, { systemd: 'getty@tty1.service' }, { systemd: '-.mount' }]);
    assert.ok(parsed.ok);
    const checks = await runSystemdChecks(pool.runnerFor(target), parsed.specs);
    assert.deepEqual(checks.map((check) => [check.ok, check.message]), [[true, 'active (running)'], [true, 'active (running)'], [true, 'active (running)']]);
    // The real virsh (libvirt-clients) against libvirt's test driver, through the pinned listing.
    const libvirtTarget: HostTarget = { ...target, libvirt: { uri: 'test:///default' } };
    const poll = async () => pollHost(pool.runnerFor(libvirtTarget), { target: libvirtTarget, seq: 3, scheduledAt: Date.now(), expiresAt: Date.now() + 60_000 }, undefined, { kind: 'light' });
    const listed = await withLibvirtGuests(pool.runnerFor(libvirtTarget), libvirtTarget, createLibvirtGuestMemory(), poll);
    assert.equal(listed.libvirtFailure, null);
    assert.ok(listed.result.kind === 'sample');
    assert.deepEqual(listed.result.children?.map((child) => [child.sample.host, child.powerState]), [[`${target.name}/test`, 'running']]);
  } finally {
    pool.closeAll();
  }
});
