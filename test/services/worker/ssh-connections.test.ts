import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob, PollResult } from '../../../lib/poll/poll-messages.ts';
import { pollHost } from '../../../services/worker/poll-host.ts';
import { SshConnections } from '../../../services/worker/ssh-connections.ts';
import { createUnrelatedKey, findRefusedPort, startTestSshd } from '../../support/sshd.ts';
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
    const port = await findRefusedPort();
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

void test('a refused host backs off: one connect, later polls fail fast with the same reason', async () => {
  const pool = new SshConnections({ backoff: { baseMs: 60_000, maxMs: 60_000 } });
  try {
    const t = target({ name: 'down', port: await findRefusedPort() });
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await pollHost(pool.runnerFor(t), job(t), undefined)).result);
    for (const result of results) assertFailure(result, 'refused');
    assert.equal(pool.connectsStarted, 1, 'polls during the backoff did not reconnect');
    assert.match((results[3] as { message: string }).message, /after 1 failed connect, next attempt in \d+ s/);
    // Dropping the host (it left the inventory, or an operator asked) forgets the backoff.
    pool.drop(t.name);
    assertFailure((await pollHost(pool.runnerFor(t), job(t), undefined)).result, 'refused');
    assert.equal(pool.connectsStarted, 2);
  } finally {
    pool.closeAll();
  }
});

void test('after the backoff a host that came back is connected again', async () => {
  const port = await findRefusedPort();
  const pool = new SshConnections({ backoff: { baseMs: 300, maxMs: 300 } });
  const revived = await startTestSshd({ port: undefined });
  try {
    const down = target({ name: 'revived', port });
    assertFailure((await pollHost(pool.runnerFor(down), job(down), undefined)).result, 'refused');
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Same host name, now answering elsewhere: a new connection key also clears the backoff.
    const up = target({ name: 'revived', port: revived.port, privateKeyFile: revived.clientKeyFile });
    assert.equal((await pollHost(pool.runnerFor(up), job(up), undefined)).result.kind, 'sample');
  } finally {
    pool.closeAll();
    await revived.stop();
  }
});

void test('at most maxChannelsPerConnection scripts run at once on one connection', async () => {
  const pool = new SshConnections({ maxChannelsPerConnection: 2 });
  const shared = await mkdtemp(join(tmpdir(), 'vigil-channels-'));
  await chmod(shared, 0o1777);
  try {
    // Each script counts, from the host's side, how many scripts are running alongside it.
    const script = `touch ${shared}/$$; sleep 0.5; n=$(ls ${shared} | wc -l); rm -f ${shared}/$$; echo $n`;
    const outputs = await Promise.all(Array.from({ length: 6 }, () => pool.exec(target({ name: 'channels' }), script, 30_000)));
    const counts = outputs.map((o) => Number(o.stdout.trim()));
    assert.ok(counts.every((n) => n >= 1 && n <= 2), `concurrent scripts seen: ${counts.join(',')}`);
    assert.equal(pool.connectsStarted, 1);
  } finally {
    pool.closeAll();
    await rm(shared, { recursive: true, force: true });
  }
});

void test('sshd MaxSessions below the number of callers: a channel cap under it keeps every exec working', async () => {
  // One below MaxSessions: sshd frees a session slot a moment after the channel has closed.
  const tight = await startTestSshd({ maxSessions: 3 });
  const pool = new SshConnections({ maxChannelsPerConnection: 2 });
  try {
    const t = target({ name: 'tight', port: tight.port, privateKeyFile: tight.clientKeyFile });
    const outputs = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.exec(t, `sleep 0.2; echo ${i}`, 30_000)));
    assert.deepEqual(outputs.map((o) => o.stdout), ['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
  } finally {
    pool.closeAll();
    await tight.stop();
  }
});

void test('a finished exec is closed without ending its channel a second time (Node builds an unread error for that)', async () => {
  // Every end() of a finished Duplex (ssh2's channels are Duplexes), counted.
  const end = Duplex.prototype.end;
  let endsOfFinished = 0;
  Duplex.prototype.end = function (this: Duplex, ...args: unknown[]) {
    if (this.writableFinished) endsOfFinished++;
    return (end as (...a: unknown[]) => Duplex).apply(this, args);
  } as typeof end;
  const pool = new SshConnections();
  try {
    // The probe counts: ending a finished stream again is one.
    const finished = new PassThrough();
    finished.end();
    finished.resume();
    await new Promise((resolve) => finished.on('finish', resolve));
    finished.end();
    assert.equal(endsOfFinished, 1);
    endsOfFinished = 0;
    const t = target({ name: 'no-double-end' });
    for (let i = 0; i < 5; i++) assert.equal((await pool.exec(t, `echo ${i}`, 10_000)).stdout, `${i}\n`);
    // Give the channels' close and destroy their ticks.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(endsOfFinished, 0);
  } finally {
    Duplex.prototype.end = end;
    pool.closeAll();
  }
});

void test('new connections are paced: after the burst, starts follow the rate', async () => {
  const starts: number[] = [];
  const rate = 5;
  const burst = 2;
  const pool = new SshConnections({
    connectRatePerSec: rate, connectBurst: burst, maxConcurrentConnects: 2,
    onConnectStart: () => starts.push(performance.now()),
  });
  try {
    const targets = Array.from({ length: 7 }, (_, i) => target({ name: `paced-${i}` }));
    const outputs = await Promise.all(targets.map((t) => pool.exec(t, 'echo ok', 30_000)));
    assert.ok(outputs.every((o) => o.stdout === 'ok\n'));
    assert.equal(starts.length, 7);
    assert.equal(pool.connectsStarted, 7);
    // A lower bound only (a busy machine makes starts later, never earlier): start i cannot come
    // before the tokens for it have accrued.
    for (let i = burst; i < starts.length; i++) {
      const earliestMs = ((i - burst + 1) / rate) * 1000;
      const actual = (starts[i] as number) - (starts[0] as number);
      assert.ok(actual >= earliestMs - 15, `start ${i} came ${actual.toFixed(0)} ms after the first, before ${earliestMs} ms`);
    }
  } finally {
    pool.closeAll();
  }
});

void test('bastions: one hop, two hops, and one bastion connection shared by the hosts behind it', async () => {
  const clientKey = (await readFile(sshd.clientKeyFile + '.pub', 'utf8')).trim();
  const outer = await startTestSshd({ authorizedKeys: [clientKey], logLevel: 'INFO' });
  const inner = await startTestSshd({ authorizedKeys: [clientKey], logLevel: 'INFO' });
  const pool = new SshConnections();
  const logins = (server: TestSshd): number => server.log().split('\n').filter((l) => l.includes('Accepted publickey for')).length;
  try {
    const hop = (server: TestSshd) => ({ address: server.host, port: server.port, user: server.user });
    const viaOuter = [hop(outer)];
    const a = target({ name: 'behind-a', jumpHosts: viaOuter });
    const b = target({ name: 'behind-b', jumpHosts: viaOuter });
    const results = await Promise.all([a, b, a, b].map((t) => pollHost(pool.runnerFor(t), job(t), undefined)));
    for (const { result } of results) assert.equal(result.kind, 'sample', JSON.stringify(result));
    assert.equal(pool.connectsStarted, 2, 'one connection per host');
    assert.equal(pool.bastionConnectsStarted, 1, 'one bastion connection for both');
    assert.equal(logins(outer), 1, 'the bastion saw one login');

    const deep = target({ name: 'two-hops', jumpHosts: [hop(outer), hop(inner)] });
    const two = await pollHost(pool.runnerFor(deep), job(deep), undefined);
    assert.equal(two.result.kind, 'sample', JSON.stringify(two.result));
    assert.equal(pool.bastionConnectsStarted, 2, 'the outer bastion was reused, the inner one added');
    assert.equal(logins(outer), 1);
    assert.equal(logins(inner), 1);

    // The bastion closes with the last host behind it.
    pool.drop('behind-a');
    pool.drop('behind-b');
    assert.equal(pool.bastionCount, 2);
    pool.drop('two-hops');
    assert.equal(pool.bastionCount, 0);
  } finally {
    pool.closeAll();
    await Promise.all([outer.stop(), inner.stop()]);
  }
});

void test('behind a bastion: a refused host is refused, a dead bastion is named in the failure', async () => {
  const clientKey = (await readFile(sshd.clientKeyFile + '.pub', 'utf8')).trim();
  const bastion = await startTestSshd({ authorizedKeys: [clientKey] });
  const pool = new SshConnections();
  try {
    const via = [{ address: bastion.host, port: bastion.port, user: bastion.user }];
    const closedPort = await findRefusedPort();
    const refused = target({ name: 'refused-behind', port: closedPort, jumpHosts: via });
    const r1 = await pollHost(pool.runnerFor(refused), job(refused), undefined);
    assertFailure(r1.result, 'refused');
    assert.match(r1.result.message, /bastion cannot connect/);

    const deadBastion = target({ name: 'dead-bastion', jumpHosts: [{ address: '127.0.0.1', port: closedPort, user: sshd.user }] });
    const r2 = await pollHost(pool.runnerFor(deadBastion), job(deadBastion), undefined);
    assertFailure(r2.result, 'refused');
    assert.match(r2.result.message, new RegExp(`through a bastion that failed: cannot connect to bastion vigiltest@127\\.0\\.0\\.1:${closedPort}`));
  } finally {
    pool.closeAll();
    await bastion.stop();
  }
});

void test('execs under way on a connection that closes fail at once, each naming the host', async () => {
  const pool = new SshConnections();
  try {
    const t = target({ name: 'closing' });
    await pool.exec(t, 'true', 10_000);
    const running = [pool.exec(t, 'sleep 5', 30_000), pool.exec(t, 'sleep 5', 30_000)];
    for (const exec of running) exec.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    const droppedAt = Date.now();
    pool.drop(t.name);
    for (const exec of running) {
      await assert.rejects(exec, (err: Error & { reason?: string }) => {
        assert.equal(err.reason, 'error');
        assert.match(err.message, /^connection to closing \(127\.0\.0\.1:\d+\) closed while the poll script ran$/);
        return true;
      });
    }
    assert.ok(Date.now() - droppedAt < 3000, 'not at the timeout');
    // The next exec opens a new connection and works.
    assert.equal((await pool.exec(t, 'echo again', 10_000)).stdout, 'again\n');
  } finally {
    pool.closeAll();
  }
});
