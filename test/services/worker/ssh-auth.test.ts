import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import { PollError } from '../../../services/worker/command-runner.ts';
import { SshConnections } from '../../../services/worker/ssh-connections.ts';
import { createEncryptedKey, startTestSshd, TEST_SSH_PASSWORD } from '../../support/sshd.ts';
import type { TestSshd } from '../../support/sshd.ts';
import { waitFor } from '../../support/wait-for.ts';

const run = promisify(execFile);
const PASSPHRASE = 'correct horse battery staple';

let sshd: TestSshd;
let encryptedKey: string;

before(async () => {
  sshd = await startTestSshd({ passwordAuthentication: true });
  encryptedKey = await createEncryptedKey(sshd.dir, PASSPHRASE);
  await sshd.authorize(await readFile(encryptedKey + '.pub', 'utf8'));
});

after(async () => {
  await sshd.stop();
});

function target(overrides: Partial<HostTarget>): HostTarget {
  return {
    name: 'auth', connection: 'ssh', address: sshd.host, port: sshd.port, user: sshd.user,
    privateKeyFile: null, intervalSec: 10, groups: [], ...overrides,
  };
}

async function whoami(t: HostTarget): Promise<string> {
  const pool = new SshConnections();
  try {
    return (await pool.exec(t, 'id -un', 10_000)).stdout.trim();
  } finally {
    pool.closeAll();
  }
}

async function failure(t: HostTarget): Promise<PollError> {
  const pool = new SshConnections();
  try {
    await pool.exec(t, 'true', 10_000);
  } catch (err) {
    assert.ok(err instanceof PollError, String(err));
    return err;
  } finally {
    pool.closeAll();
  }
  assert.fail('the connection was expected to fail');
}

void test('a key file encrypted with a passphrase logs in with that passphrase', async () => {
  assert.equal(await whoami(target({ privateKeyFile: encryptedKey, privateKeyPassphrase: PASSPHRASE })), sshd.user);
});

void test('the same key given inline (ansible_ssh_private_key) logs in too', async () => {
  const privateKey = await readFile(encryptedKey, 'utf8');
  assert.equal(await whoami(target({ privateKey, privateKeyPassphrase: PASSPHRASE })), sshd.user);
});

void test('an encrypted key without or with a wrong passphrase is auth-failed, and no message holds the secret', async () => {
  const missing = await failure(target({ privateKeyFile: encryptedKey }));
  assert.equal(missing.reason, 'auth-failed');
  assert.match(missing.message, /encrypted/);
  assert.match(missing.message, /ansible_ssh_private_key_passphrase/);
  const wrong = await failure(target({ privateKeyFile: encryptedKey, privateKeyPassphrase: 'not-it-secret' }));
  assert.equal(wrong.reason, 'auth-failed');
  assert.doesNotMatch(wrong.message, /not-it-secret/);
});

void test('password authentication (ansible_password)', async () => {
  assert.equal(await whoami(target({ password: TEST_SSH_PASSWORD })), sshd.user);
});

void test('a wrong password is auth-failed, the message says a password was tried but not which', async () => {
  const err = await failure(target({ password: 'wrong-secret-pw' }));
  assert.equal(err.reason, 'auth-failed');
  assert.match(err.message, /tried password/);
  assert.doesNotMatch(err.message, /wrong-secret-pw/);
});

void test('ssh-agent: no key file in the inventory, the agent at SSH_AUTH_SOCK holds the key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-agent-'));
  const socket = join(dir, 'agent.sock');
  const agent: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const saved = process.env['SSH_AUTH_SOCK'];
  try {
    await waitFor('ssh-agent socket', 10_000, () => (existsSync(socket) ? true : undefined));
    await run('ssh-add', [sshd.clientKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    process.env['SSH_AUTH_SOCK'] = socket;
    assert.equal(await whoami(target({ privateKeyFile: null })), sshd.user);
  } finally {
    if (saved === undefined) delete process.env['SSH_AUTH_SOCK'];
    else process.env['SSH_AUTH_SOCK'] = saved;
    agent.kill();
    await new Promise((resolve) => (agent.exitCode === null ? agent.once('exit', resolve) : resolve(null)));
    await rm(dir, { recursive: true, force: true });
  }
});

void test('without any credentials the reason is auth-failed and says what was missing', async () => {
  const saved = process.env['SSH_AUTH_SOCK'];
  delete process.env['SSH_AUTH_SOCK'];
  try {
    const err = await failure(target({ privateKeyFile: null }));
    assert.equal(err.reason, 'auth-failed');
    assert.match(err.message, /no SSH credentials/);
  } finally {
    if (saved !== undefined) process.env['SSH_AUTH_SOCK'] = saved;
  }
});
