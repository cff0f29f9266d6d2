import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FORCED_COMMAND_WRAPPER, PINNED_SCRIPTS } from '../../lib/collect/forced-command-wrapper.ts';
import { POLL_SCRIPT, POLL_SCRIPT_LIGHT } from '../../lib/collect/poll-script.ts';

const run = promisify(execFile);

void test('vigil commands full|light prints each poll script exactly, and nothing else on stdout', async () => {
  const full = await run(process.execPath, ['bin/vigil.mjs', 'commands', 'full']);
  assert.equal(full.stdout, POLL_SCRIPT.endsWith('\n') ? POLL_SCRIPT : POLL_SCRIPT + '\n');
  const light = await run(process.execPath, ['bin/vigil.mjs', 'commands', 'light']);
  assert.equal(light.stdout, POLL_SCRIPT_LIGHT.endsWith('\n') ? POLL_SCRIPT_LIGHT : POLL_SCRIPT_LIGHT + '\n');
});

void test('vigil commands --help explains how to pin the scripts as a forced command', async () => {
  const { stdout } = await run(process.execPath, ['bin/vigil.mjs', 'commands', '--help']);
  assert.match(stdout, /authorized_keys/);
  assert.match(stdout, /forced-command\.sh/);
  assert.match(stdout, /SSH_ORIGINAL_COMMAND/);
});

void test('vigil commands forced-command prints the wrapper, which picks the pinned script from the command or from stdin', async () => {
  const { stdout } = await run(process.execPath, ['bin/vigil.mjs', 'commands', 'forced-command']);
  assert.equal(stdout, FORCED_COMMAND_WRAPPER);
  assert.match(stdout, /^case \$SSH_ORIGINAL_COMMAND in$/m);
  assert.match(stdout, /read -r vigil_line/);
});

void test('vigil commands systemd|libvirt|files prints the scripts that take their values on stdin, and --help says how to pin them', async () => {
  for (const script of PINNED_SCRIPTS.filter((pinned) => pinned.readsInput)) {
    const { stdout } = await run(process.execPath, ['bin/vigil.mjs', 'commands', script.name]);
    assert.equal(stdout, script.text);
  }
  const { stdout } = await run(process.execPath, ['bin/vigil.mjs', 'commands', '--help']);
  assert.match(stdout, /commands systemd > \/usr\/local\/lib\/vigil\/systemd-check\.sh/);
  assert.match(stdout, /commands libvirt > \/usr\/local\/lib\/vigil\/libvirt\.sh/);
  assert.match(stdout, /commands files > \/usr\/local\/lib\/vigil\/file-check\.sh/);
  await assert.rejects(run(process.execPath, ['bin/vigil.mjs', 'commands', 'nope']), (err: { code?: number; stderr?: string }) => err.code === 2 && /one of: full, light, systemd, libvirt, files, forced-command/.test(err.stderr ?? ''));
});
