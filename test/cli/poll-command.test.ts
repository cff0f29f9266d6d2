import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSample } from '../../cli/commands/poll-command.ts';
import { sample } from '../alerting/synthetic-sample.ts';
import { findRefusedPort, startTestSshd } from '../support/sshd.ts';
import type { TestSshd } from '../support/sshd.ts';

let sshd: TestSshd;
let dir: string;
let inventory: string;
let refusedPort: number;

before(async () => {
  sshd = await startTestSshd();
  dir = await mkdtemp(join(tmpdir(), 'vigil-poll-cli-'));
  refusedPort = await findRefusedPort();
  inventory = join(dir, 'hosts');
  const common = `ansible_host=127.0.0.1 ansible_user=${sshd.user} ansible_ssh_private_key_file=${sshd.clientKeyFile}`;
  await writeFile(inventory, [
    '[web]',
    `good ${common} ansible_port=${sshd.port}`,
    `down ${common} ansible_port=${refusedPort}`,
    '',
  ].join('\n'));
});

after(async () => {
  await sshd.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

const VIGIL_BIN = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));

function vigil(args: string[], cwd?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VIGIL_BIN, ...args], {
      env: { ...process.env, VIGIL_DATA_DIR: dir, VIGIL_KNOWN_HOSTS: join(dir, 'known_hosts'), VIGIL_HOST_KEY_CHECKING: 'accept-new' },
      timeout: 60_000,
      ...(cwd === undefined ? {} : { cwd }),
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

void test('vigil poll HOST prints a readable table with CPU, memory and disks', async () => {
  const { code, stdout, stderr } = await vigil(['poll', 'good', '-i', inventory]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, new RegExp(`^host +good \\(vigiltest@127\\.0\\.0\\.1:${sshd.port}\\)$`, 'm'));
  assert.match(stdout, /^cpu +\d+\.\d % busy of \d+ cpus$/m);
  assert.match(stdout, /^memory +[\d.]+ \w+ used of [\d.]+ GiB \(\d+\.\d %\)$/m);
  assert.match(stdout, /^disk +fullest filesystem [\d.]+ % used$/m);
  assert.match(stdout, /^kernel +\d+ context switches\/s, \d+ interrupts\/s, \d+ forks\/s, \d+ blocked on I\/O$/m);
  assert.match(stdout, /^ {2}mount +size +used +avail +use%$/m);
  assert.match(stdout, /^ {2}\/ /m);
  // The host key was pinned on first contact, as the worker would.
  assert.match(await readFile(join(dir, 'known_hosts'), 'utf8'), new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `));
});

void test('run in an Ansible repository, a host whose user, port and key only ansible.cfg gives is polled with them', async () => {
  const repo = await mkdtemp(join(tmpdir(), 'vigil-ansible-repo-'));
  try {
    await mkdir(join(repo, 'keys'));
    await copyFile(sshd.clientKeyFile, join(repo, 'keys', 'deploy'));
    await chmod(join(repo, 'keys', 'deploy'), 0o600);
    await writeFile(join(repo, 'ansible.cfg'), `[defaults]\ninventory = hosts\nremote_user = ${sshd.user}\nremote_port = ${sshd.port}\nprivate_key_file = keys/deploy\n`);
    await writeFile(join(repo, 'hosts'), '[web]\napp1 ansible_host=127.0.0.1\n');
    // No -i: the inventory too comes from ansible.cfg, as for `ansible all -m ping` run there.
    const { code, stdout, stderr } = await vigil(['poll', 'app1', '--json'], repo);
    assert.equal(code, 0, stderr);
    assert.equal((JSON.parse(stdout) as { host: string }).host, 'app1');
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
});

void test('vigil poll HOST --json prints the sample as JSON', async () => {
  const { code, stdout, stderr } = await vigil(['poll', 'good', '-i', inventory, '--json']);
  assert.equal(code, 0, stderr);
  const sample = JSON.parse(stdout) as { host: string; memTotalBytes: number; cpuBusyPct: number | null; filesystems: unknown[] };
  assert.equal(sample.host, 'good');
  assert.ok(sample.memTotalBytes > 0);
  assert.equal(typeof sample.cpuBusyPct, 'number');
  assert.ok(sample.filesystems.length >= 1);
});

void test('a host that is not in the inventory: exit 1, naming it', async () => {
  const { code, stdout, stderr } = await vigil(['poll', 'nosuchhost', '-i', inventory]);
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.match(stderr, /host 'nosuchhost' is not in the inventory/);
});

void test('an inventory Vigil cannot use: exit 1, the file and every problem in one line, no stack trace', async () => {
  const broken = fileURLToPath(new URL('../fixtures/inventories/parents-problems.ini', import.meta.url));
  const { code, stdout, stderr } = await vigil(['poll', '--all', '-i', broken]);
  assert.equal(code, 1);
  assert.equal(stdout, '');
  assert.equal(stderr, `vigil: ${broken}: host 'web1': vigil_parents names 'sw9', which is not a host of the inventory; `
    + "host 'web2': vigil_parents names 'retired', which has vigil_enabled false: its outages would never be seen; vigil_parents form a loop: sw1 -> sw2 -> sw1\n");
});

void test('a host that fails: exit 1 with its reason', async () => {
  const { code, stderr } = await vigil(['poll', 'down', '-i', inventory]);
  assert.equal(code, 1);
  assert.match(stderr, /^vigil poll: down: refused: cannot connect to down \(127\.0\.0\.1:\d+\)/m);
});

void test('vigil poll --all checks every host and summarises failures by reason, exit 1 if any failed', async () => {
  const { code, stdout, stderr } = await vigil(['poll', '--all', '-i', inventory]);
  assert.equal(code, 1, stderr);
  assert.match(stdout, /^2 hosts: 1 ok, 1 failed$/m);
  assert.match(stdout, /^refused \(1\):$/m);
  assert.match(stdout, new RegExp(`^ {2}down: cannot connect to down \\(127\\.0\\.0\\.1:${refusedPort}\\)`, 'm'));
  assert.doesNotMatch(stdout, /^ {2}good:/m);
});

void test('vigil poll --all exits 0 when every host answers', async () => {
  const onlyGood = join(dir, 'only-good');
  const text = await readFile(inventory, 'utf8');
  await writeFile(onlyGood, text.split('\n').filter((l) => !l.startsWith('down ')).join('\n'));
  const { code, stdout, stderr } = await vigil(['poll', '--all', '-i', onlyGood]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, '1 host: 1 ok, 0 failed\n');
});

void test('usage errors: neither HOST nor --all', async () => {
  const { code, stderr } = await vigil(['poll', '-i', inventory]);
  assert.equal(code, 1);
  assert.match(stderr, /give one HOST, or --all/);
});

void test('vigil poll HOST runs the host\'s service checks as the worker does and prints them, also when the host is down', async (t) => {
  const web = createServer((_req, res) => res.end('all alive'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  t.after(() => web.close());
  const webPort = (web.address() as AddressInfo).port;
  const checked = join(dir, 'checked');
  const common = `ansible_host=127.0.0.1 ansible_user=${sshd.user} ansible_ssh_private_key_file=${sshd.clientKeyFile}`;
  await writeFile(checked, [
    '[shop]',
    `shop-good ${common} ansible_port=${sshd.port}`,
    `shop-down ${common} ansible_port=${refusedPort}`,
    '[shop:vars]',
    `vigil_checks=[{"http": "http://127.0.0.1:${webPort}/health", "keyword": "alive"}, {"tcp": "127.0.0.1:${refusedPort}"}, {"file": "/etc/passwd", "name": "Accounts"}]`,
    '',
  ].join('\n'));
  const good = await vigil(['poll', 'shop-good', '-i', checked]);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /^checks$/m);
  assert.match(good.stdout, new RegExp(`^ {2}http:http://127\\.0\\.0\\.1:${webPort}/health +ok {2}HTTP 200, [\\d.]+ ms$`, 'm'));
  assert.match(good.stdout, new RegExp(`^ {2}tcp:127\\.0\\.0\\.1:${refusedPort} +FAILING \\(refused\\)`, 'm'));
  // A file check ran over the host's SSH connection; a named check shows its name and its id.
  assert.match(good.stdout, /^ {2}Accounts \(file:\/etc\/passwd\) +ok {2}\d+ (s|min|h|d)( \d+ (s|min|h))? old$/m);
  // The host's SSH is refused, but the worker's network checks still ran: they are printed before the failure.
  const down = await vigil(['poll', 'shop-down', '-i', checked]);
  assert.equal(down.code, 1);
  assert.match(down.stdout, new RegExp(`^ {2}http:http://127\\.0\\.0\\.1:${webPort}/health +ok`, 'm'));
  assert.match(down.stderr, /^vigil poll: shop-down: refused:/m);
});

void test('the disks table gives iostat -x\'s figures, latency included, a dash where no read or write completed', () => {
  const target = { name: 'db1', connection: 'ssh' as const, address: '127.0.0.1', port: 22, user: 'vigil', privateKeyFile: null, intervalSec: 10, groups: [] };
  const text = formatSample(target, sample('db1', 0, {
    disks: [{ name: 'sda', readBytesPerSec: 2 * 1024 * 1024, writeBytesPerSec: 0, readIops: 120, writeIops: 0, busyPct: 37.5, readLatencyMs: 1.25, writeLatencyMs: null }],
  }));
  assert.match(text, /^disks\n {2}device +read\/s +write\/s +r\/s +w\/s +r_await +w_await +busy\n {2}sda +2\.0 MiB +0 B +120\.0 +0\.0 +1\.25 ms +— +38%$/m);
});

void test('the interfaces table gives rates per second and the errors and drops, loopback and software interfaces marked', () => {
  const target = { name: 'db1', connection: 'ssh' as const, address: '127.0.0.1', port: 22, user: 'vigil', privateKeyFile: null, intervalSec: 10, groups: [] };
  const text = formatSample(target, sample('db1', 0, {
    interfaces: [
      { name: 'eth0', rxBytesPerSec: 1536, txBytesPerSec: 100, rxPacketsPerSec: 12.5, txPacketsPerSec: 3, rxErrors: 0, txErrors: 0, rxDrops: 4, txDrops: 0, loopback: false, virtual: false },
      { name: 'lo', rxBytesPerSec: 10, txBytesPerSec: 10, rxPacketsPerSec: 1, txPacketsPerSec: 1, rxErrors: 0, txErrors: 0, rxDrops: 0, txDrops: 0, loopback: true, virtual: true },
      // From a source that gives bytes only (an older worker's sample): the rest is a dash.
      { name: 'docker0', rxBytesPerSec: 0, txBytesPerSec: 0, virtual: true },
    ],
  }));
  assert.match(text, /^interfaces\n {2}interface +rx\/s +tx\/s +rx pkt\/s +tx pkt\/s +rx err +tx err +rx drop +tx drop$/m);
  assert.match(text, /^ {2}eth0 +1\.5 KiB +100 B +12\.5 +3\.0 +0 +0 +4 +0$/m);
  assert.match(text, /^ {2}lo \(loopback\) +10 B +10 B +1\.0 +1\.0 +0 +0 +0 +0$/m);
  assert.match(text, /^ {2}docker0 \(virtual\) +0 B +0 B +— +— +— +— +— +—$/m);
});
