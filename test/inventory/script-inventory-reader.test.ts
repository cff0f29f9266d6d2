// Inventory scripts beyond what test/inventory/conformance.test.ts compares with Ansible:
// Vigil's time limit, the errors an operator reads, and which sources were scripts. The
// scripts are real executables run by readInventory.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readInventory } from '../../lib/inventory/read-inventory.ts';
import { readInventoryError } from './read-inventory-error.ts';
import { assertAnsibleInstalled } from './ansible-inventory-reference.ts';

const root = mkdtempSync(join(tmpdir(), 'vigil-script-inventory-'));
after(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
function script(text: string, mode = 0o755): string {
  const dir = join(root, `case-${++count}`);
  mkdirSync(dir);
  const path = join(dir, 'inventory.sh');
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}


void describe('inventory scripts', () => {
  void it('stops a script that does not finish within the time limit, naming it', async () => {
    const path = script('#!/bin/sh\nsleep 30\n');
    const started = Date.now();
    const err = await readInventoryError(path, { scriptTimeoutMs: 300 });
    assert.equal(err.file, path);
    assert.match(err.message, /inventory\.sh --list did not finish within 0\.3 s and was stopped/);
    // Killed, not waited for: far less than the script's 30 s.
    assert.ok(Date.now() - started < 20_000);
  });

  void it('says what the script wrote on stderr when it fails', async () => {
    const err = await readInventoryError(script('#!/bin/sh\necho "Traceback: boto3 missing" >&2\necho "cloud: credentials expired" >&2\nexit 1\n'));
    assert.match(err.message, /had an execution error: Traceback: boto3 missing\ncloud: credentials expired/);
  });

  void it('asks a script that is not executable to be made so', async () => {
    const err = await readInventoryError(script('#!/bin/sh\necho \'{"web": ["w1"]}\'\n', 0o644));
    assert.match(err.message, /problem running .*inventory\.sh --list \(permission denied: is it executable\?\)/);
  });

  void it('lists the sources that were scripts, and reads a script again for its new hosts', async () => {
    const dir = join(root, 'mixed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a-static'), '[db]\nd1\n');
    const state = join(root, 'mixed-state');
    writeFileSync(state, 'w1');
    writeFileSync(join(dir, 'b-cloud'), `#!/bin/sh\nprintf '{"web": ["%s"]}' "$(cat ${state})"\n`);
    chmodSync(join(dir, 'b-cloud'), 0o755);

    const first = await readInventory(dir);
    assert.deepEqual(first.dynamicSources, [join(dir, 'b-cloud')]);
    assert.deepEqual(first.hosts.map((host) => host.name), ['d1', 'w1']);

    writeFileSync(state, 'w2');
    const second = await readInventory(dir);
    assert.deepEqual(second.hosts.map((host) => host.name), ['d1', 'w2']);
  });

  void it('asks --host once for each host of a script without _meta', async () => {
    const calls = join(root, 'host-calls');
    writeFileSync(calls, '');
    const hosts = Array.from({ length: 20 }, (_, i) => `h${i}`);
    const path = script(
      `#!/bin/sh\necho "$*" >> ${calls}\nif [ "$1" = --list ]; then echo '{"app": ${JSON.stringify(hosts)}}'; else printf '{"me": "%s"}' "$2"; fi\n`,
    );
    const inventory = await readInventory(path);
    assert.deepEqual(inventory.hosts.map((host) => [host.name, host.vars['me']]), hosts.map((host) => [host, host]));
    const asked = readFileSync(calls, 'utf8').trim().split('\n');
    assert.equal(asked.filter((line) => line === '--list').length, 1);
    assert.deepEqual(asked.filter((line) => line.startsWith('--host')).sort(), hosts.map((host) => `--host ${host}`).sort());
  });

  void it('reads an inventory plugin\'s configuration through ansible-inventory, and reads it again like a script', async () => {
    assertAnsibleInstalled();
    const dir = join(root, 'plugin-direct');
    mkdirSync(dir);
    writeFileSync(join(dir, 'generated.yml'), 'plugin: ansible.builtin.generator\nhosts:\n  name: "{{ app }}-1"\n  parents:\n    - name: apps\n      vars: { tier: "{{ app }}" }\nlayers:\n  app: [web, db]\n');
    writeFileSync(join(dir, 'static'), '[apps]\nlegacy-1\n');
    const inventory = await readInventory(dir);
    assert.deepEqual(inventory.hosts.map((host) => [host.name, host.groups]), [['web-1', ['apps']], ['db-1', ['apps']], ['legacy-1', ['apps']]]);
    assert.deepEqual(inventory.dynamicSources, [join(dir, 'generated.yml')]);
  });

  void it('refuses the constructed plugin, which needs the other sources read with it, and says why', async () => {
    const dir = join(root, 'constructed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'groups.yml'), 'plugin: ansible.builtin.constructed\ngroups:\n  big: true\n');
    const err = await readInventoryError(join(dir, 'groups.yml'));
    assert.match(err.message, /plugin: ansible\.builtin\.constructed builds on the inventory's other sources/);
  });

  void it('says that a plugin configuration needs Ansible when ansible-inventory is not on PATH', async () => {
    const dir = join(root, 'no-ansible');
    mkdirSync(dir);
    writeFileSync(join(dir, 'aws_ec2.yml'), 'plugin: amazon.aws.aws_ec2\nregions: [eu-west-1]\n');
    const path = process.env['PATH'];
    process.env['PATH'] = dir;
    try {
      const err = await readInventoryError(join(dir, 'aws_ec2.yml'));
      assert.equal(err.file, join(dir, 'aws_ec2.yml'));
      assert.match(err.message, /ansible-inventory .*\(not found on PATH: reading an inventory plugin's configuration needs Ansible \(ansible-core\)\)/);
    } finally {
      process.env['PATH'] = path;
    }
  });

  void it('reads an INI file that has the executable bit as INI, without running it', async () => {
    // Valid INI, and a shell command that would create the marker if /bin/sh ran the file.
    const marker = join(root, 'ran');
    const path = script(`[web]\nw1 note=$(touch\${IFS}${marker})\n`);
    const inventory = await readInventory(path);
    assert.deepEqual(inventory.hosts.map((host) => [host.name, host.vars['note']]), [['w1', `$(touch\${IFS}${marker})`]]);
    assert.deepEqual(inventory.dynamicSources, []);
    assert.equal(existsSync(marker), false);
  });
});
