import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { EncryptedString, plainVariables } from '../../lib/inventory/python-values.ts';
import { readInventory } from '../../lib/inventory/read-inventory.ts';
import { readInventoryError } from './read-inventory-error.ts';
import { loadHostTargets } from '../../lib/inventory/to-host-target.ts';

const VAULT_CASE = resolve(import.meta.dirname, '../fixtures/inventory-conformance/vault-encrypted-group-vars');
const VAULT_PASSWORD = 'conformance-password';

const root = mkdtempSync(join(tmpdir(), 'vigil-read-inventory-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes the files under a new directory and returns it. */
function tree(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}


void describe('readInventory', () => {
  void it('merges group_vars and host_vars over inline variables as Ansible does', async () => {
    const dir = tree('merge', {
      'hosts.yml': 'web:\n  vars: {a: inline, b: inline}\n  hosts:\n    w1: {c: inline}\n',
      'group_vars/web.yml': 'a: file\n',
      'group_vars/all/main.yml': 'b: all-file\nd: 0755\n',
      'host_vars/w1': 'c: file\n',
    });
    const inventory = await readInventory(join(dir, 'hosts.yml'));
    // group_vars/all wins over any group's inline vars; a group's file over group_vars/all.
    assert.deepEqual(inventory.hosts[0]?.vars, { a: 'file', b: 'all-file', c: 'file', d: 493 });
    assert.deepEqual(inventory.hosts[0]?.groups, ['web']);
  });

  void it('names the file and line of a broken group_vars file', async () => {
    const dir = tree('broken-vars', { hosts: '[web]\nw1\n', 'group_vars/web.yml': 'a: 1\nb: [2\nc: 3\n' });
    const err = await readInventoryError(join(dir, 'hosts'));
    assert.equal(err.file, join(dir, 'group_vars/web.yml'));
    assert.equal(typeof err.line, 'number');
    assert.match(err.message, /group_vars\/web\.yml:\d+: invalid YAML/);
  });

  void it('refuses a directory with one unreadable file rather than reading half of it', async () => {
    const dir = tree('half', { 'inventory/a': '[web]\nw1\n', 'inventory/b': '[db]\nd1 not-a-variable\n' });
    const err = await readInventoryError(join(dir, 'inventory'));
    assert.equal(err.file, join(dir, 'inventory/b'));
    assert.equal(err.line, 2);
  });

  void it('refuses a path that does not exist', async () => {
    const err = await readInventoryError(join(root, 'nowhere'));
    assert.match(err.message, /no such file or directory/);
  });

  void it('needs the password for a vault-encrypted file, and decrypts !vault values with it', async () => {
    const locked = await readInventoryError(join(VAULT_CASE, 'hosts'));
    assert.match(locked.message, /vault-encrypted and no vault password was given/);

    const inventory = await readInventory(join(VAULT_CASE, 'hosts'), { vaultPassword: VAULT_PASSWORD });
    const vars = inventory.hosts[0]?.vars ?? {};
    assert.ok(vars['inline_secret'] instanceof EncryptedString);
    assert.deepEqual(plainVariables(vars), { db_password: 's3cret', port: 5432, plain: 1, inline_secret: 'hunter2' });
  });

  void it('names the file of a vault value the password does not open', async () => {
    const err = await readInventoryError(join(VAULT_CASE, 'hosts'), { vaultPassword: 'wrong' });
    assert.ok(err.file.startsWith(VAULT_CASE));
  });

  void it('reads a comma-separated host list', async () => {
    const inventory = await readInventory('a.example.com,10.0.0.1:2222,');
    assert.deepEqual(
      inventory.hosts.map((host) => [host.name, host.vars]),
      [['a.example.com', {}], ['10.0.0.1', { ansible_port: 2222 }]],
    );
  });
});

void describe('loadHostTargets over readInventory', () => {
  void it('polls hosts of a YAML inventory with their typed variables', async () => {
    const dir = tree('targets', {
      'hosts.yml': 'all:\n  vars:\n    ansible_user: ops\n  children:\n    web:\n      hosts:\n        w1:\n          ansible_host: 127.0.0.1\n          ansible_port: 2222\n          vigil_interval: 30\n        w2:\n          vigil_enabled: no\n',
    });
    const targets = await loadHostTargets(join(dir, 'hosts.yml'));
    assert.deepEqual(
      targets.map((t) => [t.name, t.address, t.port, t.user, t.intervalSec, t.groups]),
      [['w1', '127.0.0.1', 2222, 'ops', 30, ['web']]],
    );
  });
});
