import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { HostKeyChecking, HostTarget } from '../../../lib/poll/host-target.ts';
import { PollError } from '../../../services/worker/command-runner.ts';
import { HostKeyStore } from '../../../services/worker/host-key-store.ts';
import { SshConnections } from '../../../services/worker/ssh-connections.ts';
import { startTestSshd } from '../../support/sshd.ts';
import type { TestSshd } from '../../support/sshd.ts';

const run = promisify(execFile);

let sshd: TestSshd;
let other: TestSshd;
let dir: string;

before(async () => {
  [sshd, other] = await Promise.all([startTestSshd(), startTestSshd()]);
  dir = await mkdtemp(join(tmpdir(), 'vigil-known-hosts-'));
});

after(async () => {
  await Promise.all([sshd.stop(), other.stop()]);
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
async function knownHostsFile(lines: string[]): Promise<string> {
  const file = join(dir, `known_hosts_${++fileCount}`);
  await writeFile(file, lines.map((l) => l + '\n').join(''));
  return file;
}

function target(server: TestSshd, overrides: Partial<HostTarget> = {}): HostTarget {
  return {
    name: `h${server.port}`, connection: 'ssh', address: server.host, port: server.port, user: server.user,
    privateKeyFile: server.clientKeyFile, intervalSec: 10, groups: [], ...overrides,
  };
}

/** Runs `true` on the host through a fresh pool; returns the failure, or null on success. */
async function connect(store: HostKeyStore, t: HostTarget): Promise<PollError | null> {
  const pool = new SshConnections({ hostKeys: store });
  try {
    await pool.exec(t, 'true', 10_000);
    return null;
  } catch (err) {
    assert.ok(err instanceof PollError, String(err));
    return err;
  } finally {
    pool.closeAll();
  }
}

function store(mode: HostKeyChecking, files: string[], pinFile: string | null = null): HostKeyStore {
  return new HostKeyStore({ mode, knownHostsFiles: files, pinFile });
}

void test('strict: a plain known_hosts entry for [127.0.0.1]:port lets the connection through', async () => {
  const file = await knownHostsFile([`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}`]);
  assert.equal(await connect(store('strict', [file]), target(sshd)), null);
});

void test('strict: a hashed entry (ssh-keygen -H) lets it through too', async () => {
  const file = await knownHostsFile([`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}`]);
  await run('ssh-keygen', ['-H', '-f', file]);
  const text = await readFile(file, 'utf8');
  assert.match(text, /^\|1\|/, 'the file is hashed');
  assert.equal(await connect(store('strict', [file]), target(sshd)), null);
});

void test('a different key on file is host-key-changed, with both fingerprints and the fix', async () => {
  // `other`'s key, filed under `sshd`'s address: what a man in the middle would look like.
  const file = await knownHostsFile([`[127.0.0.1]:${sshd.port} ${other.hostPublicKey}`]);
  for (const mode of ['strict', 'accept-new'] as const) {
    const err = await connect(store(mode, [file]), target(sshd));
    assert.equal(err?.reason, 'host-key-changed', `${mode}: ${err?.message}`);
    assert.match(err.message, /host key changed for 127\.0\.0\.1:\d+: it presented SHA256:\S+, known_hosts has ssh-ed25519 SHA256:/);
    assert.match(err.message, /ssh-keygen -R/);
  }
});

void test('off: no check at all, even against a different key on file', async () => {
  const file = await knownHostsFile([`[127.0.0.1]:${sshd.port} ${other.hostPublicKey}`]);
  assert.equal(await connect(store('off', [file]), target(sshd)), null);
  // A host's own ansible_host_key_checking=false overrides the worker's mode the same way.
  assert.equal(await connect(store('strict', [file]), target(sshd, { hostKeyChecking: 'off' })), null);
});

void test('strict with no entry refuses the host, saying it is unknown rather than changed', async () => {
  const file = await knownHostsFile([`[127.0.0.1]:${other.port} ${other.hostPublicKey}`]);
  const err = await connect(store('strict', [file]), target(sshd));
  // The contract has no separate reason for it: host-key-changed, with a message telling the two apart.
  assert.equal(err?.reason, 'host-key-changed');
  assert.match(err.message, /is not in known_hosts and host key checking is strict/);
});

void test('accept-new pins to the file on first contact; after a restart a changed key is refused', async () => {
  const server = await startTestSshd();
  const pinFile = join(dir, 'pins', 'known_hosts');
  try {
    assert.equal(await connect(store('accept-new', [], pinFile), target(server)), null);
    const pinned = await readFile(pinFile, 'utf8');
    assert.equal(pinned, `[127.0.0.1]:${server.port} ${server.hostPublicKey.split(' ').slice(0, 2).join(' ')}\n`);
    // A second contact finds the pin and adds nothing.
    assert.equal(await connect(store('accept-new', [], pinFile), target(server)), null);
    assert.equal(await readFile(pinFile, 'utf8'), pinned);

    await server.rotateHostKey();
    // A new store stands for a restarted worker: only the file remembers the key.
    const err = await connect(store('accept-new', [], pinFile), target(server));
    assert.equal(err?.reason, 'host-key-changed', err?.message);
    assert.equal(await readFile(pinFile, 'utf8'), pinned, 'the changed key was not pinned');
    // The strict-mode worker trusts the pin file as well.
    assert.equal((await connect(store('strict', [], pinFile), target(server)))?.reason, 'host-key-changed');
  } finally {
    await server.stop();
  }
});

void test('an operator removing the stale line is picked up without a restart', async () => {
  const server = await startTestSshd();
  const pinFile = join(dir, 'known_hosts_reload');
  try {
    const keys = store('accept-new', [], pinFile);
    assert.equal(await connect(keys, target(server)), null);
    await server.rotateHostKey();
    assert.equal((await connect(keys, target(server)))?.reason, 'host-key-changed');
    await run('ssh-keygen', ['-R', `[127.0.0.1]:${server.port}`, '-f', pinFile]);
    assert.equal(await connect(keys, target(server)), null);
  } finally {
    await server.stop();
  }
});

// The store alone, with the keys a host would present passed in: how it reads the files as they change.
const KEY_A = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIJO1tgzh32N+xZj+oeD7KhV2QuCPjP0ZED5gBk99jf82', 'base64');
const KEY_B = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIHx1ZmL0tXbKq0vXcBA8K8cFq2bXyEoG5wUeQxZ5h3bN', 'base64');
const line = (port: number, key: Buffer): string => `[127.0.0.1]:${port} ssh-ed25519 ${key.toString('base64')}\n`;

void test('lines another writer appends to a known_hosts file are read, as the pins of a fleet are', async () => {
  const file = join(dir, 'known_hosts_appended');
  await writeFile(file, line(1000, KEY_A));
  const keys = store('strict', [file]);
  assert.deepEqual(await keys.verify('127.0.0.1', 1000, KEY_A), { ok: true });
  assert.equal((await keys.verify('127.0.0.1', 1001, KEY_A)).ok, false);
  await appendFile(file, line(1001, KEY_B));
  assert.deepEqual(await keys.verify('127.0.0.1', 1001, KEY_B), { ok: true });
  const changed = await keys.verify('127.0.0.1', 1001, KEY_A);
  assert.ok(!changed.ok && /host key changed for 127\.0\.0\.1:1001/.test(changed.message), JSON.stringify(changed));
  assert.deepEqual(await keys.knownKeyTypes('127.0.0.1', 1001), ['ssh-ed25519']);
});

void test('a file rewritten in place to a longer one is read again whole, not taken for an append', async () => {
  const file = join(dir, 'known_hosts_rewritten');
  await writeFile(file, line(2000, KEY_A));
  const keys = store('strict', [file]);
  assert.deepEqual(await keys.verify('127.0.0.1', 2000, KEY_A), { ok: true });
  // Same inode, larger, and the first line's key replaced: the old key must no longer pass.
  await writeFile(file, `# rewritten\n${line(2000, KEY_B)}`);
  assert.equal((await keys.verify('127.0.0.1', 2000, KEY_A)).ok, false);
  assert.deepEqual(await keys.verify('127.0.0.1', 2000, KEY_B), { ok: true });
});

void test('accept-new pins 300 hosts to one file concurrently: each pinned once, all known after a restart', async () => {
  const pinFile = join(dir, 'pins-concurrent', 'known_hosts');
  const keys = store('accept-new', [], pinFile);
  const ports = Array.from({ length: 300 }, (_, i) => 3000 + i);
  const verdicts = await Promise.all(ports.map((port) => keys.verify('127.0.0.1', port, port % 2 ? KEY_A : KEY_B)));
  assert.ok(verdicts.every((v) => v.ok));
  // Looked up again while and after the pins land: known, and no second pin.
  assert.ok((await Promise.all(ports.map((port) => keys.verify('127.0.0.1', port, port % 2 ? KEY_A : KEY_B)))).every((v) => v.ok));
  const pinned = (await readFile(pinFile, 'utf8')).trim().split('\n');
  assert.equal(pinned.length, 300);
  assert.equal(new Set(pinned).size, 300);
  const restarted = store('strict', [], pinFile);
  for (const port of ports) {
    assert.deepEqual(await restarted.verify('127.0.0.1', port, port % 2 ? KEY_A : KEY_B), { ok: true }, `port ${port}`);
    assert.equal((await restarted.verify('127.0.0.1', port, port % 2 ? KEY_B : KEY_A)).ok, false, `port ${port} with the other key`);
  }
});
