// Vigil's reading of ansible.cfg against Ansible's own: each case's file is dumped by
// `ansible-config dump --only-changed` (Debian's ansible-core, the reference) and read by
// readAnsibleConfig, and the settings Vigil uses must agree. Then where the file is found,
// and the errors Ansible also refuses the file for.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findAnsibleConfigFile, readAnsibleConfig } from '../../lib/inventory/ansible-config.ts';
import type { AnsibleConfig } from '../../lib/inventory/ansible-config.ts';
import { InventoryError } from '../../lib/inventory/inventory.ts';
import { assertAnsibleInstalled } from './ansible-inventory-reference.ts';

const root = mkdtempSync(join(tmpdir(), 'vigil-ansible-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
const home = join(root, 'home');
mkdirSync(home);

interface Setting {
  name: string;
  origin: string;
  value: unknown;
}

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/ansible-config', args, { env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: home, ...env }, cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** What Ansible makes of the file and environment: the settings Vigil reads, by its own names. */
async function ansibleReads(file: string, env: NodeJS.ProcessEnv, cwd: string): Promise<AnsibleConfig> {
  const base = await run(['dump', '--only-changed', '-f', 'json'], { ANSIBLE_CONFIG: file, ...env }, cwd);
  assert.equal(base.code, 0, base.stderr);
  const connection = await run(['dump', '--only-changed', '-t', 'connection', '-f', 'json'], { ANSIBLE_CONFIG: file, ...env }, cwd);
  assert.equal(connection.code, 0, connection.stderr);
  const settings = new Map((JSON.parse(base.stdout) as Setting[]).map((s) => [s.name, s.value]));
  const plugins = JSON.parse(connection.stdout) as Array<Record<string, Setting[]>>;
  const ssh = new Map((plugins.find((p) => 'ssh' in p)?.['ssh'] ?? []).map((s) => [s.name, s.value]));
  const out: AnsibleConfig = { file };
  const put = <K extends keyof AnsibleConfig>(key: K, value: unknown): void => {
    if (value !== undefined && value !== null) out[key] = value as AnsibleConfig[K];
  };
  put('remoteUser', settings.get('DEFAULT_REMOTE_USER'));
  put('privateKeyFile', settings.get('DEFAULT_PRIVATE_KEY_FILE'));
  put('remotePort', settings.get('DEFAULT_REMOTE_PORT'));
  put('sshCommonArgs', ssh.get('ssh_common_args'));
  put('inventory', settings.get('DEFAULT_HOST_LIST'));
  put('vaultPasswordFile', settings.get('DEFAULT_VAULT_PASSWORD_FILE'));
  return out;
}

let count = 0;
function caseDir(files: Record<string, string>): string {
  const dir = join(root, `case-${++count}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const CASES: Array<{ name: string; cfg: string; env?: NodeJS.ProcessEnv }> = [
  {
    name: 'the usual settings, relative paths from the file, ~ and an inline comment',
    cfg: [
      '[defaults]',
      'inventory = inventory/hosts, extra.yml',
      'remote_user = deploy ; who Ansible logs in as',
      'private_key_file = keys/deploy_ed25519',
      'remote_port: 2222',
      'vault_password_file = ~/.vault_pass',
      '# a comment',
      '; another',
      '[ssh_connection]',
      'ssh_common_args = -o ProxyJump=ops@bastion.example:2200',
      '',
    ].join('\n'),
  },
  {
    name: 'keys in capitals, a # that is text, a ; with no space before it, a value on two lines',
    cfg: [
      '[defaults]',
      'REMOTE_USER = ops # not a comment',
      'Inventory=hosts;v2',
      '[ssh_connection]',
      'ssh_common_args = -o ProxyJump=bastion',
      '    -o ServerAliveInterval=30',
      '',
    ].join('\n'),
  },
  {
    name: 'ANSIBLE_* variables beat the file; their relative paths are from the working directory',
    cfg: '[defaults]\nremote_user = from-file\nprivate_key_file = file.key\ninventory = file-hosts\n',
    env: { ANSIBLE_REMOTE_USER: 'from-env', ANSIBLE_PRIVATE_KEY_FILE: 'env.key', ANSIBLE_REMOTE_PORT: '2022', ANSIBLE_INVENTORY: 'a,b', ANSIBLE_SSH_COMMON_ARGS: '-J jump' },
  },
  { name: 'empty sections and settings Vigil does not use', cfg: '[defaults]\nforks = 50\nhost_key_checking = False\n[privilege_escalation]\nbecome = true\n' },
];

void describe('ansible.cfg as Ansible reads it', () => {
  for (const c of CASES) {
    void it(c.name, async () => {
      assertAnsibleInstalled();
      const dir = caseDir({ 'ansible.cfg': c.cfg });
      const file = join(dir, 'ansible.cfg');
      const reference = await ansibleReads(file, c.env ?? {}, dir);
      const vigil = readAnsibleConfig({ env: { ANSIBLE_CONFIG: file, ...c.env }, cwd: dir, home });
      assert.deepEqual(vigil, reference);
    });
  }

  void it('refuses what Ansible refuses, naming the file and line', async () => {
    assertAnsibleInstalled();
    const broken = [
      { cfg: '[defaults]\nremote_user = a\nremote_user = b\n', line: 3, message: /option 'remote_user' already exists/ },
      { cfg: 'remote_user = a\n', line: 1, message: /does not start with a \[section\] header/ },
      { cfg: '[defaults]\n[defaults]\n', line: 2, message: /section 'defaults' already exists/ },
      { cfg: '[defaults]\nremote_port = 0x10\n', line: 2, message: /remote_port: must be a port number, got '0x10'/ },
      { cfg: '[defaults]\nremote_user\n', line: 2, message: /expected key = value/ },
    ];
    for (const b of broken) {
      const dir = caseDir({ 'ansible.cfg': b.cfg });
      const file = join(dir, 'ansible.cfg');
      const reference = await run(['dump', '--only-changed', '-f', 'json'], { ANSIBLE_CONFIG: file }, dir);
      assert.notEqual(reference.code, 0, `Ansible accepted ${JSON.stringify(b.cfg)}`);
      assert.throws(() => readAnsibleConfig({ env: { ANSIBLE_CONFIG: file }, cwd: dir, home }), (err: unknown) => {
        assert.ok(err instanceof InventoryError);
        assert.equal(err.file, file);
        assert.equal(err.line, b.line);
        assert.match(err.message, b.message);
        return true;
      });
    }
  });
});

void describe('where ansible.cfg is found', () => {
  void it('ANSIBLE_CONFIG (a file or a directory), then the working directory, then ~/.ansible.cfg', () => {
    const dir = caseDir({ 'repo/ansible.cfg': '[defaults]\n', 'elsewhere/ansible.cfg': '[defaults]\n', 'named.cfg': '[defaults]\n' });
    const ownHome = caseDir({ '.ansible.cfg': '[defaults]\n' });
    const find = (env: NodeJS.ProcessEnv, cwd: string): string | null => findAnsibleConfigFile({ env, cwd, home: ownHome });
    assert.equal(find({ ANSIBLE_CONFIG: join(dir, 'named.cfg') }, join(dir, 'repo')), join(dir, 'named.cfg'));
    assert.equal(find({ ANSIBLE_CONFIG: join(dir, 'elsewhere') }, join(dir, 'repo')), join(dir, 'elsewhere/ansible.cfg'));
    assert.equal(find({}, join(dir, 'repo')), join(dir, 'repo/ansible.cfg'));
    assert.equal(find({}, dir), join(ownHome, '.ansible.cfg'));
    assert.equal(findAnsibleConfigFile({ env: {}, cwd: dir, home: dir }), null);
  });

  void it('skips the working directory\'s file when anyone may write there, as Ansible does', () => {
    const dir = caseDir({ 'shared/ansible.cfg': '[defaults]\nremote_user = planted\n' });
    chmodSync(join(dir, 'shared'), 0o777);
    assert.equal(findAnsibleConfigFile({ env: {}, cwd: join(dir, 'shared'), home: dir }), null);
    assert.deepEqual(readAnsibleConfig({ env: {}, cwd: join(dir, 'shared'), home: dir }), { file: null });
  });
});
