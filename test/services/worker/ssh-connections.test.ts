import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob, PollResult } from '../../../lib/poll/poll-messages.ts';
import { pollHost } from '../../../services/worker/poll-host.ts';
import { SshConnections } from '../../../services/worker/ssh-connections.ts';
import { createUnrelatedKey, findFreePort, startTestSshd } from '../../support/sshd.ts';
import type { TestSshd } from '../../support/sshd.ts';

let sshd: TestSshd;

before(async () => {
  sshd = await startTestSshd();
});

after(async () => {
  await sshd.stop();
});

function target(overrides: Partial<HostTarget> = {}): HostTarget {
  return {
    name: 'box',
    connection: 'ssh',
    address: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKeyFile: sshd.clientKeyFile,
    intervalSec: 10,
    groups: [],
    ...overrides,
  };
}

let seq = 0;
function job(t: HostTarget): PollJob {
  const now = Date.now();
  return { target: t, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
}

function memTotalBytesHere(): number {
  const line = readFileSync('/proc/meminfo', 'utf8').split('\n').find((l) => l.startsWith('MemTotal:'));
  assert.ok(line);
  return Number(line.split(/\s+/)[1]) * 1024;
}

function assertFailure(result: PollResult, reason: string): asserts result is Extract<PollResult, { kind: 'failure' }> {
  assert.equal(result.kind, 'failure', `expected a ${reason} failure, got ${JSON.stringify(result)}`);
  assert.equal(result.reason, reason, result.message);
}

void test('polls over one reused connection, with rates from the second poll on', async () => {
  const pool = new SshConnections({ connectTimeoutMs: 5000 });
  try {
    const t = target();
    const first = await pollHost(pool.runnerFor(t), job(t), undefined);
    assert.equal(first.result.kind, 'sample', JSON.stringify(first.result));
    assert.ok(first.result.kind === 'sample' && first.snapshot);
    const s1 = first.result.sample;
    assert.equal(s1.host, 'box');
    assert.equal(s1.cpuBusyPct, null);
    assert.equal(s1.memTotalBytes, memTotalBytesHere());
    assert.ok(s1.filesystems.length >= 1, 'at least one filesystem');
    assert.ok(s1.cpuCount !== null && s1.cpuCount >= 1);
    assert.ok(first.result.startedAt <= first.result.finishedAt);

    // CPU counters tick at USER_HZ (100/s): wait until they have moved.
    let previous = first.snapshot;
    let busy: number | null = null;
    for (let i = 0; i < 20 && busy === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const next = await pollHost(pool.runnerFor(t), job(t), previous);
      assert.equal(next.result.kind, 'sample', JSON.stringify(next.result));
      assert.ok(next.result.kind === 'sample' && next.snapshot);
      busy = next.result.sample.cpuBusyPct;
      previous = next.snapshot;
    }
    assert.ok(busy !== null && busy >= 0 && busy <= 100, `cpuBusyPct ${busy}`);
    assert.equal(pool.connectsStarted, 1, 'every poll used the same connection');
    assert.equal(pool.size, 1);
  } finally {
    pool.closeAll();
  }
});

void test('callers arriving while the connection opens share that one connect', async () => {
  const pool = new SshConnections({ connectTimeoutMs: 5000 });
  try {
    const t = target();
    const outputs = await Promise.all([1, 2, 3].map((n) => pool.exec(t, `echo ${n}`, 10_000)));
    assert.deepEqual(outputs.map((o) => o.stdout), ['1\n', '2\n', '3\n']);
    assert.deepEqual(outputs.map((o) => o.exitCode), [0, 0, 0]);
    assert.equal(pool.connectsStarted, 1);
  } finally {
    pool.closeAll();
  }
});

void test('the script runs in a POSIX sh with LC_ALL=C and cannot read its own text from stdin', async () => {
  const pool = new SshConnections();
  try {
    const out = await pool.exec(target(), 'printf "%s|" "$LC_ALL"; cat; echo end; exit 4', 10_000);
    assert.equal(out.stdout, 'C|end\n');
    assert.equal(out.exitCode, 4);
  } finally {
    pool.closeAll();
  }
});

void test('a port where nothing listens is refused', async () => {
  const pool = new SshConnections();
  try {
    const port = await findFreePort();
    const t = target({ port });
    const { result, snapshot } = await pollHost(pool.runnerFor(t), job(t), undefined);
    assertFailure(result, 'refused');
    assert.match(result.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.equal(snapshot, null);
    assert.equal(pool.size, 0, 'a failed connect is not kept');
  } finally {
    pool.closeAll();
  }
});

void test('a key the server does not accept is auth-failed', async () => {
  const pool = new SshConnections();
  try {
    const t = target({ privateKeyFile: await createUnrelatedKey(sshd.dir) });
    const { result } = await pollHost(pool.runnerFor(t), job(t), undefined);
    assertFailure(result, 'auth-failed');
    assert.match(result.message, /vigiltest/);
    assert.match(result.message, new RegExp(`127\\.0\\.0\\.1:${sshd.port}`));
  } finally {
    pool.closeAll();
  }
});

void test('a missing key file is auth-failed and names the file', async () => {
  const pool = new SshConnections();
  try {
    const t = target({ privateKeyFile: '/nonexistent/vigil-key' });
    const { result } = await pollHost(pool.runnerFor(t), job(t), undefined);
    assertFailure(result, 'auth-failed');
    assert.match(result.message, /\/nonexistent\/vigil-key/);
  } finally {
    pool.closeAll();
  }
});

void test('a server that accepts TCP and never speaks SSH is timeout-connect', async () => {
  const held: net.Socket[] = [];
  const silent = net.createServer((sock) => {
    held.push(sock);
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  const pool = new SshConnections({ connectTimeoutMs: 800 });
  try {
    const t = target({ port });
    const started = Date.now();
    const { result } = await pollHost(pool.runnerFor(t), job(t), undefined);
    const elapsed = Date.now() - started;
    assertFailure(result, 'timeout-connect');
    assert.match(result.message, /800 ms/);
    // The handshake timeout, not some longer default (ssh2's is 20 s), ended it.
    assert.ok(elapsed >= 700 && elapsed < 10_000, `gave up after ${elapsed} ms`);
    assert.equal(held.length, 1);
  } finally {
    pool.closeAll();
    for (const sock of held) sock.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

void test('a script past the exec timeout is timeout-exec, and the next poll works on a new connection', async () => {
  const pool = new SshConnections();
  try {
    const t = target();
    const slow = await pollHost(pool.runnerFor(t), job(t), undefined, { script: 'sleep 3', execTimeoutMs: 500 });
    assertFailure(slow.result, 'timeout-exec');
    assert.match(slow.result.message, /500 ms/);
    const next = await pollHost(pool.runnerFor(t), job(t), undefined);
    assert.equal(next.result.kind, 'sample', JSON.stringify(next.result));
    assert.equal(pool.connectsStarted, 2);
  } finally {
    pool.closeAll();
  }
});

void test('a host key that changed since first seen is refused as host-key-changed', async () => {
  const pool = new SshConnections();
  try {
    const t = target();
    const before = await pollHost(pool.runnerFor(t), job(t), undefined);
    assert.equal(before.result.kind, 'sample', JSON.stringify(before.result));
    await sshd.rotateHostKey();
    // As after a reinstall: the old connection is gone and the next poll must reconnect.
    pool.drop(t.name);
    const afterRotation = await pollHost(pool.runnerFor(t), job(t), undefined);
    assertFailure(afterRotation.result, 'host-key-changed');
    assert.match(afterRotation.result.message, new RegExp(`127\\.0\\.0\\.1:${sshd.port}`));
  } finally {
    pool.closeAll();
  }
});

void test('a different connection key for the same host reconnects', async () => {
  const pool = new SshConnections();
  const other = await startTestSshd();
  try {
    const t = target({ name: 'moving' });
    assert.equal((await pool.exec(t, 'echo a', 10_000)).stdout, 'a\n');
    const moved = target({ name: 'moving', port: other.port, privateKeyFile: other.clientKeyFile });
    assert.equal((await pool.exec(moved, 'echo b', 10_000)).stdout, 'b\n');
    assert.equal(pool.connectsStarted, 2);
    assert.equal(pool.size, 1);
  } finally {
    pool.closeAll();
    await other.stop();
  }
});

void test('a connection left unused past idleCloseMs is closed', async () => {
  const pool = new SshConnections({ idleCloseMs: 1000 });
  try {
    await pool.exec(target({ name: 'idle' }), 'true', 10_000);
    assert.equal(pool.size, 1);
    const deadline = Date.now() + 15_000;
    while (pool.size > 0) {
      assert.ok(Date.now() < deadline, 'the idle connection is still open');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    pool.closeAll();
  }
});

void test('a host flooding output is cut off as output-unparseable', async () => {
  const pool = new SshConnections();
  try {
    const t = target({ name: 'flood' });
    const { result } = await pollHost(pool.runnerFor(t), job(t), undefined, { script: 'head -c 20000000 /dev/zero' });
    assertFailure(result, 'output-unparseable');
    assert.equal(pool.size, 0, 'the flooding connection is dropped');
  } finally {
    pool.closeAll();
  }
});
