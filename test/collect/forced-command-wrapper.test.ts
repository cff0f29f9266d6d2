import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIBVIRT_SCRIPT_VERSION, libvirtScript, parseLibvirtOutput } from '../../lib/checks/libvirt-script.ts';
import { SYSTEMD_SCRIPT_VERSION, systemdCheckScript } from '../../lib/checks/systemd-check-script.ts';
import type { FileCheckSpec } from '../../lib/checks/check-spec.ts';
import { fileCheckResults } from '../../lib/checks/file-check-results.ts';
import { FILE_SCRIPT_VERSION, fileCheckScript } from '../../lib/checks/file-check-script.ts';
import { parseCheckSpecs } from '../../lib/checks/parse-check-specs.ts';
import { FORCED_COMMAND_WRAPPER, PINNED_SCRIPT_DIR, PINNED_SCRIPTS } from '../../lib/collect/forced-command-wrapper.ts';
import { POLL_SCRIPT, POLL_SCRIPT_LIGHT, POLL_SCRIPT_VERSION } from '../../lib/collect/poll-script.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import { writeFakeSystemctl } from '../support/fake-systemctl.ts';
import { commandPathText, stdinPathText, STDIN_PATH_COMMAND } from '../../services/worker/script-delivery.ts';

/** A directory with every pinned script and the wrapper pointing at it, as an operator sets it up. */
function pinnedDir(): { dir: string; wrapper: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pinned-'));
  for (const script of PINNED_SCRIPTS) writeFileSync(join(dir, script.file), script.text);
  const wrapper = join(dir, 'forced-command.sh');
  writeFileSync(wrapper, FORCED_COMMAND_WRAPPER.replaceAll(PINNED_SCRIPT_DIR, dir));
  return { dir, wrapper };
}

// Exactly what the worker sends (services/worker/script-delivery.ts): on the stdin path the
// command is `exec /bin/sh` and the script comes on stdin; on the command path sshd gives the
// forced command the script as SSH_ORIGINAL_COMMAND and stdin is empty.
function viaStdin(wrapper: string, script: string, env: NodeJS.ProcessEnv = process.env) {
  return spawnSync('/bin/sh', [wrapper], {
    input: stdinPathText(script), env: { ...env, SSH_ORIGINAL_COMMAND: STDIN_PATH_COMMAND }, encoding: 'utf8', timeout: 30_000,
  });
}
function viaCommand(wrapper: string, script: string) {
  return spawnSync('/bin/sh', [wrapper], {
    input: '', env: { ...process.env, SSH_ORIGINAL_COMMAND: commandPathText(script) }, encoding: 'utf8', timeout: 30_000,
  });
}

void test('every pinned script is a constant whose first line names it and its version, and `vigil commands` names each once', () => {
  assert.deepEqual(PINNED_SCRIPTS.map((script) => script.name), ['full', 'light', 'systemd', 'libvirt', 'files']);
  assert.deepEqual(PINNED_SCRIPTS.map((script) => script.tag), [
    `# vigil-poll-script ${POLL_SCRIPT_VERSION} full`, `# vigil-poll-script ${POLL_SCRIPT_VERSION} light`,
    `# vigil-systemd-check ${SYSTEMD_SCRIPT_VERSION}`, `# vigil-libvirt ${LIBVIRT_SCRIPT_VERSION}`, `# vigil-file-check ${FILE_SCRIPT_VERSION}`,
  ]);
  assert.equal(new Set(PINNED_SCRIPTS.map((script) => script.file)).size, PINNED_SCRIPTS.length);
  for (const script of PINNED_SCRIPTS) {
    assert.doesNotMatch(script.text, /\becho\b/, script.name);
    if (script.readsInput) assert.deepEqual([...script.text.matchAll(/\$\{[^}]*\}/g)], [], `${script.name}: no parameter expansion beyond "$@" and "$1"`);
  }
  assert.deepEqual([...FORCED_COMMAND_WRAPPER.matchAll(/\$\{[^}]*\}/g)], []);
});

void test('the forced-command wrapper runs the pinned poll script the client names, on stdin or as its command, and nothing the client sends', () => {
  const { dir, wrapper } = pinnedDir();
  try {
    const marker = join(dir, 'ran');
    for (const send of [viaStdin, viaCommand]) {
      const light = send(wrapper, POLL_SCRIPT_LIGHT);
      assert.equal(light.status, 0);
      assert.equal(parsePollOutput(light.stdout).script, 'light');
      assert.deepEqual(parsePollOutput(light.stdout).missing, []);
      const full = send(wrapper, POLL_SCRIPT);
      assert.equal(parsePollOutput(full.stdout).script, 'full');
      assert.deepEqual(parsePollOutput(full.stdout).missing, []);
      // The tag line followed by something else still runs the pinned script, never the sent one.
      const smuggled = send(wrapper, `# vigil-poll-script ${POLL_SCRIPT_VERSION} light\ntouch ${marker}`);
      assert.equal(parsePollOutput(smuggled.stdout).script, 'light');
      // A tag that is not a line of its own names nothing.
      const inline = send(wrapper, `touch ${marker} # vigil-poll-script ${POLL_SCRIPT_VERSION} light`);
      assert.equal(inline.status, 1);
      const refused = send(wrapper, `touch ${marker}`);
      assert.equal(refused.status, 1);
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /not a pinned Vigil script/);
    }
    // A wrapper pinned before the command path (stdin only) refuses a command-path poll instead
    // of running it; the worker then sends that poll on stdin (ssh-script-path.test.ts).
    const stdinOnly = join(dir, 'forced-command-stdin-only.sh');
    writeFileSync(stdinOnly, FORCED_COMMAND_WRAPPER.replaceAll(PINNED_SCRIPT_DIR, dir).replace(/^case \$SSH_ORIGINAL_COMMAND in[^]*?^esac\n/m, ''));
    const old = viaCommand(stdinOnly, POLL_SCRIPT_LIGHT);
    assert.equal(old.status, 1);
    assert.equal(old.stdout, '');
    assert.throws(() => readFileSync(marker), 'nothing the client sent ran');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the wrapper runs the pinned systemd check with the unit names the worker sent as data, never the sent text', async () => {
  const { dir, wrapper } = pinnedDir();
  try {
    const env = { ...process.env, PATH: `${await writeFakeSystemctl(dir)}:${process.env.PATH ?? ''}` };
    const units = ['nginx.service', '-.mount', 'getty@tty1.service', 'dev-disk-by\\x2duuid-1234.device'];
    const out = viaStdin(wrapper, systemdCheckScript(units), env);
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual([...out.stdout.matchAll(/^Id=(.*)$/gm)].map((m) => m[1]), units);
    assert.match(out.stdout, /^@@systemd\n[^]*\n@@status 0\n@@end\n$/);
    // What follows the tag in the sent text is not what runs: the pinned copy reads only the data.
    const marker = join(dir, 'ran');
    const sent = systemdCheckScript(['cron.service']).replace(/^(# vigil-systemd-check \d+\n)/m, `$1touch ${marker}\n`);
    const smuggled = viaStdin(wrapper, sent, env);
    assert.deepEqual([...smuggled.stdout.matchAll(/^Id=(.*)$/gm)].map((m) => m[1]), ['cron.service']);
    assert.throws(() => readFileSync(marker), 'nothing the client sent ran');
    // The same text without a wrapper (a host with no forced command) gives the same answer.
    const plain = spawnSync('/bin/sh', ['-s'], { input: stdinPathText(systemdCheckScript(units)), env, encoding: 'utf8' });
    assert.equal(plain.stdout, out.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the wrapper runs the pinned libvirt listing with the URI the worker sent: the real virsh against libvirt\'s test driver', () => {
  const { dir, wrapper } = pinnedDir();
  try {
    const out = viaStdin(wrapper, libvirtScript('test:///default'));
    assert.equal(out.status, 0, out.stderr);
    const report = parseLibvirtOutput(out.stdout);
    assert.equal(report.error, null);
    assert.deepEqual(report.vms.map((vm) => [vm.id, vm.name, vm.state]), [[1, 'test', 'running']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the wrapper runs the pinned file check with the paths the worker sent, and nothing smuggled after its tag', () => {
  const { dir, wrapper } = pinnedDir();
  try {
    const marker = join(dir, 'ran');
    const mark = join(dir, 'backup-ok');
    writeFileSync(mark, '');
    const [spec] = (parseCheckSpecs('h', [{ file: mark, max_age: '1h' }]) as { ok: true; specs: FileCheckSpec[] }).specs;
    assert.ok(spec);
    const out = viaStdin(wrapper, fileCheckScript([mark]));
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(fileCheckResults([spec], out.stdout).map((r) => [r.ok, r.reason ?? null]), [[true, null]]);
    const sent = fileCheckScript([mark]).replace(/^(# vigil-file-check \d+\n)/m, `$1touch ${marker}\n`);
    viaStdin(wrapper, sent);
    assert.equal(existsSync(marker), false, 'the pinned copy ran, not the sent one');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
