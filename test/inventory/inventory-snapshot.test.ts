import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { buildInventorySnapshot } from '../../lib/inventory/inventory-snapshot.ts';
import { MASKED } from '../../lib/inventory/mask-variables.ts';
import { readInventory } from '../../lib/inventory/read-inventory.ts';

const run = promisify(execFile);
const VAULT_PASSWORD = 'correct horse';
const SECRETS = ['hunter2-inline', 'group-vars-secret', 'vaulted-dsn-secret'];

void describe('buildInventorySnapshot', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-snapshot-'));
    await writeFile(path.join(dir, 'vault-pass'), `${VAULT_PASSWORD}\n`);
    // A real vaulted value under a name that does not look secret: masked for being vaulted.
    const { stdout } = await run('ansible-vault', ['encrypt_string', '--vault-password-file', path.join(dir, 'vault-pass'), SECRETS[2] ?? '', '--name', 'app_dsn'], {
      env: { ...process.env, HOME: dir, ANSIBLE_HOME: dir },
    }).catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new Error('this test needs the real ansible-vault: apt-get install -y ansible-core') : err;
    });
    await mkdir(path.join(dir, 'group_vars'));
    await writeFile(path.join(dir, 'group_vars', 'web.yml'), `${stdout}\nsmtp_password: ${SECRETS[1]}\nhttp_port: 8080\n`);
    await writeFile(
      path.join(dir, 'hosts'),
      [
        '[web]',
        `web1 ansible_host=10.0.0.1 ansible_password=${SECRETS[0]} ansible_ssh_private_key_file=/keys/web1`,
        'web2 ansible_host=10.0.0.2',
        '[db]',
        'db1',
        '[prod:children]',
        'web',
        'db',
        '[prod:vars]',
        'env=production',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('the group tree and merged host variables, with every secret masked', async () => {
    const inventory = await readInventory(path.join(dir, 'hosts'), { vaultPassword: VAULT_PASSWORD });
    const snapshot = buildInventorySnapshot(inventory);
    assert.equal(snapshot.source, inventory.source);
    assert.deepEqual(
      snapshot.groups.map((g) => [g.name, g.children, g.hosts]),
      [
        ['all', ['ungrouped', 'prod'], []],
        ['ungrouped', [], []],
        ['web', [], ['web1', 'web2']],
        ['db', [], ['db1']],
        ['prod', ['web', 'db'], []],
      ],
    );
    assert.deepEqual(snapshot.groups.find((g) => g.name === 'prod')?.vars, { env: 'production' });
    assert.deepEqual(snapshot.groups.find((g) => g.name === 'web')?.vars, { app_dsn: MASKED, smtp_password: MASKED, http_port: 8080 });
    const web1 = snapshot.hosts.find((h) => h.name === 'web1');
    assert.deepEqual(web1?.groups, ['prod', 'web']);
    assert.deepEqual(web1?.vars, {
      env: 'production',
      app_dsn: MASKED,
      smtp_password: MASKED,
      http_port: 8080,
      ansible_host: '10.0.0.1',
      ansible_password: MASKED,
      ansible_ssh_private_key_file: '/keys/web1',
    });
    assert.deepEqual(snapshot.hosts.map((h) => h.name), ['web1', 'web2', 'db1']);
    const text = JSON.stringify(snapshot);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} is in the snapshot`);
    assert.doesNotMatch(text, /ANSIBLE_VAULT/);
  });

  void test('the hash follows the content: the same inventory gives the same hash, an edit another', async () => {
    const read = () => readInventory(path.join(dir, 'hosts'), { vaultPassword: VAULT_PASSWORD });
    const first = buildInventorySnapshot(await read());
    assert.match(first.hash, /^[0-9a-f]{64}$/);
    assert.equal(buildInventorySnapshot(await read()).hash, first.hash);
    await mkdir(path.join(dir, 'host_vars'));
    await writeFile(path.join(dir, 'host_vars', 'db1.yml'), 'ansible_port: 2222\n');
    assert.notEqual(buildInventorySnapshot(await read()).hash, first.hash);
  });
});
