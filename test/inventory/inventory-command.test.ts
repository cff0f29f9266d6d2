import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../lib/paths.ts';
import { ansibleReferences, assertAnsibleInstalled } from './ansible-inventory-reference.ts';

const CASES = resolve(import.meta.dirname, '../fixtures/inventory-conformance');

function vigil(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [join(PROJECT_ROOT, 'bin/vigil.mjs'), 'inventory', ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

void describe('vigil inventory', () => {
  void it('prints --list, --host and --graph byte for byte as ansible-inventory does', async () => {
    assertAnsibleInstalled();
    const dir = join(CASES, 'vars-precedence-full');
    const actions = [['--list'], ['--host', 'h1'], ['--graph', '--vars']];
    const references = await ansibleReferences(actions.map((action) => ({ caseDir: dir, args: ['-i', join(dir, 'hosts'), ...action] })));
    for (const [index, action] of actions.entries()) {
      const result = await vigil(['-i', join(dir, 'hosts'), ...action]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, references[index]?.stdout, action.join(' '));
    }
  });

  void it('exits 1 naming the file and line of an inventory Ansible cannot parse', async () => {
    const source = join(CASES, 'invalid-ini-undefined-child', 'hosts');
    const result = await vigil(['--list', '-i', source]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`^vigil inventory: ${source}:2: Section \\[parent:children\\] includes undefined group: nothere\\n$`));
  });

  void it('takes the vault password file from VIGIL_VAULT_PASSWORD_FILE', async () => {
    const dir = join(CASES, 'vault-encrypted-group-vars');
    const locked = await vigil(['--host', 'w1', '-i', join(dir, 'hosts')]);
    assert.equal(locked.code, 1);
    assert.match(locked.stderr, /group_vars\/web\.yml: the file is vault-encrypted/);
    const opened = await vigil(['--host', 'w1', '-i', join(dir, 'hosts')], { VIGIL_VAULT_PASSWORD_FILE: join(dir, 'vault-password') });
    assert.equal(opened.code, 0, opened.stderr);
    assert.equal(JSON.parse(opened.stdout).db_password, 's3cret');
  });

  void it('exits 1 without exactly one of --list, --host, --graph, or with an unknown host or group', async () => {
    const source = join(CASES, 'ini-basic', 'hosts');
    for (const args of [[], ['--list', '--graph'], ['--host', 'nosuchhost'], ['--graph', 'nosuchgroup']]) {
      const result = await vigil([...args, '-i', source]);
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.stderr, /^vigil inventory: /);
    }
  });
});
