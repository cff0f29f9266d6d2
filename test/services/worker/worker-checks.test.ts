// Service checks (vigil_checks) through the real worker: a host's HTTP, HTTPS, TCP and systemd
// checks run with each poll against real local servers and a real sshd, and travel in the poll
// result; targets that are gone, slow or lying give failed checks without breaking the poll, and a
// host whose SSH is down still carries its web checks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { Subscription } from '../../../lib/bus/message-bus.ts';
import type { CheckResult } from '../../../lib/checks/check-result.ts';
import { parseCheckSpecs } from '../../../lib/checks/parse-check-specs.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob, PollResult } from '../../../lib/poll/poll-messages.ts';
import { startWorker } from '../../../services/worker/worker-service.ts';
import type { Worker } from '../../../services/worker/worker-service.ts';
import { findRefusedPort, startTestSshd } from '../../support/sshd.ts';
import type { TestSshd } from '../../support/sshd.ts';
import { selfSignedCertificate } from '../../checks/self-signed-certificate.ts';

let dir: string;
let sshd: TestSshd;
let bus: MemoryBus;
let worker: Worker;
let resultsSubscription: Subscription;
const results: PollResult[] = [];
let plain: http.Server;
let secure: https.Server;
let plainPort: number;
let securePort: number;
let refusedPort: number;
const openSockets = new Set<net.Socket>();

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-worker-checks-'));
  // Valid for 3 days: inside the default 14-day expiry window.
  const certificate = await selfSignedCertificate(dir, 3);
  const handler: http.RequestListener = (request, response) => {
    if (request.url === '/health') response.end('{"status":"ok","service":"shop"}');
    else if (request.url === '/maintenance') response.writeHead(503).end('down for maintenance');
    // Lying: 200, but the page is an error page without the keyword.
    else if (request.url === '/error-page') response.end('<h1>Database connection failed</h1>');
    // Slow: the headers come, the body never ends.
    else if (request.url === '/slow') response.writeHead(200).write('partial');
    else response.writeHead(404).end();
  };
  plain = http.createServer(handler);
  secure = https.createServer(certificate, handler);
  for (const server of [plain, secure]) server.on('connection', (socket) => {
    openSockets.add(socket);
    socket.once('close', () => openSockets.delete(socket));
  });
  plainPort = await listen(plain);
  securePort = await listen(secure);
  refusedPort = await findRefusedPort();
  sshd = await startTestSshd();
  bus = new MemoryBus();
  resultsSubscription = await bus.subscribe('poll.results', { name: 'test', durable: false, prefetch: 100 }, async (r) => {
    results.push(r);
  });
  worker = await startWorker({ bus, log: silentLogger, connectTimeoutMs: 3000, execTimeoutMs: 10_000, primeDelayMs: 0 });
});

after(async () => {
  await worker?.stop();
  await resultsSubscription?.close();
  await bus?.close();
  await sshd?.stop();
  for (const socket of openSockets) socket.destroy();
  await Promise.all([plain, secure].map((server) => new Promise((resolve) => (server?.listening ? server.close(resolve) : resolve(undefined)))));
  if (dir) await rm(dir, { recursive: true, force: true });
});

function target(name: string, checks: unknown[], port = sshd.port): HostTarget {
  const parsed = parseCheckSpecs(name, checks);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.map((e) => e.message).join('; '));
  return {
    name, connection: 'ssh', address: sshd.host, port, user: sshd.user, privateKeyFile: sshd.clientKeyFile,
    intervalSec: 10, groups: [], checks: parsed.specs,
  };
}

let seq = 0;
async function poll(host: HostTarget): Promise<PollResult> {
  const now = Date.now();
  const job: PollJob = { target: host, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
  await bus.publish('poll.jobs', job);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = results.find((r) => r.host === host.name && r.seq === job.seq);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no result for ${host.name}#${job.seq}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function checksOf(result: PollResult): CheckResult[] {
  const checks = result.kind === 'sample' ? result.sample.checks : result.checks;
  assert.ok(checks, `${result.host}: the result carries checks`);
  return checks;
}

function byId(checks: CheckResult[]): Map<string, CheckResult> {
  return new Map(checks.map((check) => [check.id, check]));
}

void test('a host\'s HTTP, HTTPS, TCP and systemd checks run with its poll and travel in the sample, in inventory order', async () => {
  const web = target('web', [
    { http: `http://127.0.0.1:${plainPort}/health`, keyword: '"status":"ok"', name: 'Health page' },
    { http: `https://localhost:${securePort}/health`, tls_verify: false },
    { tcp: `127.0.0.1:${plainPort}` },
    { systemd: 'nginx', name: 'Web server' },
  ]);
  const result = await poll(web);
  assert.equal(result.kind, 'sample', JSON.stringify(result));
  const checks = checksOf(result);
  assert.deepEqual(checks.map((check) => check.id), web.checks?.map((spec) => spec.id));
  // A name travels with its check's result, whichever runner produced it.
  assert.deepEqual(checks.map((check) => check.name ?? null), ['Health page', null, null, 'Web server']);
  const [health, tls, tcp, nginx] = checks;
  assert.deepEqual([health?.ok, health?.statusCode, health?.kind], [true, 200, 'http']);
  assert.ok((health?.latencyMs ?? -1) >= 0 && (health?.connectMs ?? -1) >= 0);
  // The certificate is valid for 3 days: under the default tls_expiry_days of 14, still a good check.
  assert.equal(tls?.ok, true, JSON.stringify(tls));
  assert.ok(tls?.certDaysLeft === 2 || tls?.certDaysLeft === 3, JSON.stringify(tls));
  assert.equal(tls?.certExpiring, true);
  assert.ok(Date.parse(tls?.certExpiresAt ?? '') > Date.now());
  assert.deepEqual([tcp?.ok, tcp?.kind], [true, 'tcp']);
  // systemctl ran over the host's SSH connection and answered as this machine does (no systemd running, or none installed).
  assert.equal(nginx?.kind, 'systemd');
  assert.equal(nginx?.ok, false);
  assert.equal(nginx?.reason, 'error');
  assert.match(nginx?.message ?? '', /systemctl/);
});

void test('file checks run over the host\'s connection with its poll: fresh, stale and missing files, aged by the host\'s clock', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-file-checks-'));
  try {
    const now = Math.floor(Date.now() / 1000);
    await writeFile(join(dir, 'backup-ok'), '');
    await writeFile(join(dir, 'report-done'), '');
    await utimes(join(dir, 'report-done'), now - 2 * 86_400, now - 2 * 86_400);
    await chmod(dir, 0o755);
    const host = target('files', [
      { file: join(dir, 'backup-ok'), max_age: '26h', name: 'Nightly backup' },
      { file: join(dir, 'report-done'), max_age: '1d' },
      { file: join(dir, 'missing') },
      { systemd: 'nginx' },
    ]);
    const result = await poll(host);
    assert.equal(result.kind, 'sample', JSON.stringify(result));
    const checks = checksOf(result);
    assert.deepEqual(checks.map((c) => [c.id.replace(dir, 'DIR'), c.kind, c.ok, c.reason ?? null, c.name ?? null]), [
      ['file:DIR/backup-ok', 'file', true, null, 'Nightly backup'],
      ['file:DIR/report-done', 'file', false, 'stale', null],
      ['file:DIR/missing', 'file', false, 'not-found', null],
      ['systemd:nginx.service', 'systemd', false, 'error', null],
    ]);
    const stale = checks[1]?.ageSec ?? 0;
    assert.ok(stale >= 2 * 86_400 && stale < 2 * 86_400 + 300, `${stale}`);
    assert.match(checks[1]?.message ?? '', /^modified 2 d ago, more than the 1 d allowed$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('lying, gone and slow targets fail their checks with their reasons, and the poll still gives its sample', async () => {
  const faulty = target('faulty', [
    { http: `http://127.0.0.1:${plainPort}/maintenance` },
    { http: `http://127.0.0.1:${plainPort}/error-page`, keyword: '"status":"ok"' },
    { http: `http://127.0.0.1:${refusedPort}/health` },
    { tcp: `127.0.0.1:${refusedPort}` },
    { http: `http://127.0.0.1:${plainPort}/slow`, timeout: 1 },
    // Verified TLS against a self-signed certificate: the handshake is refused, the expiry still read.
    { http: `https://localhost:${securePort}/health` },
  ]);
  const result = await poll(faulty);
  assert.equal(result.kind, 'sample', JSON.stringify(result));
  const checks = byId(checksOf(result));
  const of = (index: number): CheckResult | undefined => checks.get(faulty.checks?.[index]?.id ?? '');
  assert.deepEqual([of(0)?.ok, of(0)?.reason, of(0)?.statusCode], [false, 'status', 503]);
  assert.deepEqual([of(1)?.ok, of(1)?.reason, of(1)?.statusCode], [false, 'keyword', 200]);
  assert.deepEqual([of(2)?.ok, of(2)?.reason], [false, 'refused']);
  assert.deepEqual([of(3)?.ok, of(3)?.reason], [false, 'refused']);
  assert.deepEqual([of(4)?.ok, of(4)?.reason], [false, 'timeout']);
  assert.match(of(4)?.message ?? '', /within 1 s/);
  assert.deepEqual([of(5)?.ok, of(5)?.reason], [false, 'tls']);
  assert.equal(checks.size, 6);
});

void test('a host whose SSH is down still carries its web checks in the failure; its systemd checks are left out', async () => {
  const down = target('ssh-down', [{ http: `http://127.0.0.1:${plainPort}/health` }, { systemd: 'nginx' }], refusedPort);
  const result = await poll(down);
  assert.equal(result.kind, 'failure');
  assert.equal(result.kind === 'failure' && result.reason, 'refused');
  const checks = checksOf(result);
  assert.deepEqual(checks.map((check) => [check.id, check.ok]), [[`http:http://127.0.0.1:${plainPort}/health`, true]]);
});

void test('a target that goes away between polls fails on the next poll, and recovers when it is back', async () => {
  const flaky = http.createServer((_request, response) => response.end('ok'));
  const port = await listen(flaky);
  const host = target('flaky', [{ http: `http://127.0.0.1:${port}/` }, { tcp: `127.0.0.1:${port}` }]);
  assert.deepEqual(checksOf(await poll(host)).map((check) => check.ok), [true, true]);
  await new Promise((resolve) => flaky.close(resolve));
  flaky.closeAllConnections();
  const gone = checksOf(await poll(host));
  assert.deepEqual(gone.map((check) => [check.ok, check.reason]), [[false, 'refused'], [false, 'refused']]);
  const back = http.createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
  try {
    assert.deepEqual(checksOf(await poll(host)).map((check) => check.ok), [true, true]);
  } finally {
    back.closeAllConnections();
    await new Promise((resolve) => back.close(resolve));
  }
});

void test('a host without checks gives a sample without the field', async () => {
  const plainHost: HostTarget = { ...target('no-checks', []) };
  delete plainHost.checks;
  const result = await poll(plainHost);
  assert.equal(result.kind, 'sample');
  assert.ok(result.kind === 'sample' && !('checks' in result.sample));
});
