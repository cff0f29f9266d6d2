// The node_exporter source against Debian's real prometheus-node-exporter and a real sshd on this
// machine, and its faults against node:http servers that misbehave on purpose.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { HostSnapshot } from '../../../lib/collect/sample.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollJob, PollResult, PollSuccess } from '../../../lib/poll/poll-messages.ts';
import { HostKeyStore } from '../../../services/worker/host-key-store.ts';
import { pollHost } from '../../../services/worker/poll-host.ts';
import { pollFromSource, previousAcrossSources, withKnownFacts } from '../../../services/worker/poll-source.ts';
import { DEFAULT_SCRAPE_LIMITS, scrapeNodeExporter } from '../../../services/worker/scrape-node-exporter.ts';
import { PollError } from '../../../services/worker/command-runner.ts';
import { SshConnections } from '../../../services/worker/ssh-connections.ts';
import { findRefusedPort, startTestSshd } from '../../support/sshd.ts';
import type { TestSshd } from '../../support/sshd.ts';
import { startTestNodeExporter } from './test-node-exporter.ts';
import type { TestNodeExporter } from './test-node-exporter.ts';

const capture = readFileSync(new URL('../../fixtures/node-exporter/metrics.txt', import.meta.url), 'utf8');
// For the misbehaving servers only: the real exporter keeps the defaults, as a loaded machine can be slow to answer.
const LIMITS = { connectTimeoutMs: 2000, totalTimeoutMs: 1500, maxBytes: 1024 * 1024 };

let sshd: TestSshd;
let exporter: TestNodeExporter;
let connections: SshConnections;
let sshTarget: HostTarget;
let refusedPort: number;
const servers: http.Server[] = [];

before(async () => {
  [sshd, exporter] = await Promise.all([startTestSshd(), startTestNodeExporter()]);
  connections = new SshConnections({ connectTimeoutMs: 5000, hostKeys: new HostKeyStore({ mode: 'off', knownHostsFiles: [] }) });
  sshTarget = { name: 'vm', connection: 'ssh', address: sshd.host, port: sshd.port, user: sshd.user, privateKeyFile: sshd.clientKeyFile, intervalSec: 10, groups: [] };
  refusedPort = await findRefusedPort();
});

after(async () => {
  connections.closeAll();
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all([sshd.stop(), exporter.close()]);
});

let seq = 0;
function job(target: HostTarget): PollJob {
  const now = Date.now();
  return { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
}

function exporterTarget(url: string, ssh: Partial<HostTarget> = {}): HostTarget {
  return { ...sshTarget, ...ssh, source: 'node_exporter', nodeExporterUrl: url };
}

function poll(target: HostTarget, previous?: HostSnapshot, scrapeLimits = DEFAULT_SCRAPE_LIMITS) {
  return pollFromSource(connections.runnerFor(target), job(target), previous, { scrapeLimits });
}

function success(result: PollResult): PollSuccess {
  assert.equal(result.kind, 'sample', JSON.stringify(result));
  return result as PollSuccess;
}

/** A loopback HTTP server answering every request with `handle`; closed after the tests. */
async function misbehaving(handle: http.RequestListener): Promise<string> {
  const server = http.createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

void test('a scrape of the real node_exporter gives the sample an SSH poll of the same machine gives', async () => {
  const scraped = await poll(exporterTarget(exporter.url));
  assert.equal(scraped.exporterFailure, null);
  const fromExporter = success(scraped.result).sample;
  assert.equal(fromExporter.source, 'node_exporter');
  const overSsh = success((await pollHost(connections.runnerFor(sshTarget), job(sshTarget), undefined)).result).sample;
  assert.equal(overSsh.source, undefined, 'a plain SSH host\'s samples are as before');
  assert.equal(fromExporter.memTotalBytes, overSsh.memTotalBytes);
  assert.equal(fromExporter.cpuCount, overSsh.cpuCount);
  assert.deepEqual(fromExporter.filesystems.map((fs) => fs.mount), overSsh.filesystems.map((fs) => fs.mount));
  assert.deepEqual(fromExporter.filesystems.map((fs) => fs.sizeBytes), overSsh.filesystems.map((fs) => fs.sizeBytes));
  assert.ok(fromExporter.uptimeSec !== null && overSsh.uptimeSec !== null && Math.abs(fromExporter.uptimeSec - overSsh.uptimeSec) < 60);
  assert.equal(fromExporter.facts?.kernel, overSsh.facts?.kernel);
  assert.equal(fromExporter.facts?.hostname, overSsh.facts?.hostname);
  assert.deepEqual(fromExporter.missing, ['processes', 'failed-units']);
  assert.equal('processes' in fromExporter, false, 'not collected: absent, not "none"');
  assert.equal('failedUnits' in fromExporter, false);

  // The second scrape has rates, over the exporter's own clock. Not back to back: CPU time moves
  // in 10 ms ticks, and a scrape a few ms after the first may find none spent.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const second = success((await poll(exporterTarget(exporter.url), scraped.snapshot ?? undefined)).result).sample;
  assert.ok(second.cpuBusyPct !== null && second.cpuBusyPct >= 0 && second.cpuBusyPct <= 100);
  assert.equal(second.perCoreBusyPct?.length, second.cpuCount);
  assert.ok(second.netRxBytesPerSec !== null && second.netRxBytesPerSec >= 0);
  assert.equal(second.rebooted, false);
});

void test('target gone: a refused exporter falls back to SSH for that poll; with SSH gone too, one failure names both', async () => {
  const gone = `http://127.0.0.1:${refusedPort}/metrics`;
  const fallback = await poll(exporterTarget(gone));
  assert.equal(fallback.exporterFailure?.reason, 'refused');
  const sample = success(fallback.result).sample;
  assert.equal(sample.source, 'ssh');
  assert.ok(sample.memTotalBytes !== null && sample.memTotalBytes > 0);

  const both = await poll(exporterTarget(gone, { name: 'nowhere', port: refusedPort }));
  assert.equal(both.result.kind, 'failure');
  assert.ok(both.result.kind === 'failure');
  assert.equal(both.result.reason, 'refused');
  assert.match(both.result.message, new RegExp(`node_exporter at ${gone.replaceAll('.', '\\.')}: .*; SSH fallback: `));
  assert.equal(both.snapshot, null);
});

void test('slow: an exporter that accepts and never answers is a timeout, and SSH stands in', async () => {
  const hanging = await misbehaving(() => {});
  const outcome = await poll(exporterTarget(hanging), undefined, LIMITS);
  assert.equal(outcome.exporterFailure?.reason, 'timeout-exec');
  assert.match(outcome.exporterFailure?.message ?? '', /did not answer within 1500 ms/);
  assert.equal(success(outcome.result).sample.source, 'ssh');
  // One that sends its headers and then stalls mid-body is the same timeout.
  const stalling = await misbehaving((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('node_load1 0.5\n');
  });
  await assert.rejects(scrapeNodeExporter(stalling, LIMITS), (err) => err instanceof PollError && err.reason === 'timeout-exec');
});

void test('lying: garbage, an error status, NaN everywhere and an endless body', async () => {
  const garbage = await misbehaving((_request, response) => response.end('<html><body>It works!</body></html>\n'));
  const fromGarbage = await poll(exporterTarget(garbage));
  assert.equal(fromGarbage.exporterFailure?.reason, 'output-unparseable');
  assert.equal(success(fromGarbage.result).sample.source, 'ssh');

  const failing = await misbehaving((_request, response) => {
    response.writeHead(503);
    response.end('collector failed');
  });
  const fromFailing = await poll(exporterTarget(failing));
  assert.equal(fromFailing.exporterFailure?.reason, 'protocol');
  assert.match(fromFailing.exporterFailure?.message ?? '', /HTTP 503/);

  // Every value NaN: the sections are unusable, but the exporter answered with its labels (uname),
  // so it is a sample with nulls, and nothing in it is NaN.
  const nanText = capture.replace(/^([^#\n][^\n]*[ }])[^ \n]+$/gm, '$1NaN');
  const nanExporter = await misbehaving((_request, response) => response.end(nanText));
  const fromNan = await poll(exporterTarget(nanExporter));
  const nanSample = success(fromNan.result).sample;
  assert.equal(nanSample.source, 'node_exporter');
  assert.equal(nanSample.memTotalBytes, null);
  assert.equal(nanSample.cpuCount, null);
  assert.ok(nanSample.missing.includes('meminfo') && nanSample.missing.includes('stat'));
  assertNoNaN(nanSample);

  const endless = await misbehaving((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    const line = `node_load1 1\n${'# padding '.repeat(1000)}\n`;
    const write = (): void => {
      while (response.write(line)) { /* until the socket pushes back */ }
      response.once('drain', write);
    };
    write();
    response.on('close', () => response.removeAllListeners('drain'));
  });
  const fromEndless = await poll(exporterTarget(endless), undefined, LIMITS);
  assert.equal(fromEndless.exporterFailure?.reason, 'output-unparseable');
  assert.match(fromEndless.exporterFailure?.message ?? '', /more than 1048576 bytes/);
  assert.equal(success(fromEndless.result).sample.source, 'ssh');

  const declaredHuge = await misbehaving((_request, response) => {
    response.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
    response.write('node_load1 1\n');
  });
  await assert.rejects(scrapeNodeExporter(declaredHuge, LIMITS), (err) => err instanceof PollError && err.reason === 'output-unparseable');
});

void test('a password in the exporter URL is sent as basic auth and never appears in a message', async () => {
  let authorization: string | undefined;
  const guarded = await misbehaving((request, response) => {
    authorization = request.headers.authorization;
    response.writeHead(401);
    response.end();
  });
  const withPassword = guarded.replace('http://', 'http://scraper:hunter2@');
  const outcome = await poll(exporterTarget(withPassword));
  assert.equal(authorization, `Basic ${Buffer.from('scraper:hunter2').toString('base64')}`);
  assert.equal(outcome.exporterFailure?.reason, 'protocol');
  assert.doesNotMatch(outcome.exporterFailure?.message ?? '', /hunter2/);
  assert.match(outcome.exporterFailure?.message ?? '', /HTTP 401/);
});

void test('across a switch of source the rates of network and disks skip one poll; CPU and the reboot check do not', async () => {
  const first = await poll(exporterTarget(exporter.url));
  assert.ok(first.snapshot !== null);
  assert.equal(previousAcrossSources(first.snapshot, 'node_exporter'), first.snapshot);
  const forSsh = previousAcrossSources(first.snapshot, 'ssh');
  assert.equal(forSsh?.interfaces, null);
  assert.equal(forSsh?.disks, null);
  assert.deepEqual(forSsh?.cpuTotal, first.snapshot.cpuTotal);
  // The exporter's uptime runs up to a second ahead of /proc/uptime: it counts as a second less.
  assert.equal(forSsh?.uptimeSec, Math.max(0, (first.snapshot.uptimeSec ?? 0) - 1));

  // Each poll 50 ms after the one before: CPU time moves in 10 ms ticks, and a poll a few ms later
  // may find none spent, which leaves no CPU figures to compare (a flake seen in CI).
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
  await settle();
  const overSsh = await poll(exporterTarget(`http://127.0.0.1:${refusedPort}/metrics`), first.snapshot);
  const switched = success(overSsh.result).sample;
  assert.equal(switched.source, 'ssh');
  assert.equal(switched.netRxBytesPerSec, null);
  assert.deepEqual(switched.interfaces, []);
  assert.equal(switched.rebooted, false);
  assert.ok(switched.cpuModes != null, 'the ticks of both sources compare');
  await settle();
  const back = success((await poll(exporterTarget(exporter.url), overSsh.snapshot ?? undefined)).result).sample;
  assert.equal(back.source, 'node_exporter');
  assert.equal(back.netRxBytesPerSec, null);
  assert.equal(back.rebooted, false);
  assert.ok(back.cpuModes != null);
});

function assertNoNaN(value: unknown, path = 'sample'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, i) => assertNoNaN(item, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertNoNaN(item, `${path}.${key}`);
}

void test('a switch from SSH to the exporter keeps the CPU model the exporter does not report', async () => {
  const overSsh = await pollHost(connections.runnerFor(sshTarget), job(sshTarget), undefined);
  const full = overSsh.snapshot;
  assert.ok(full !== null && full.facts?.cpuModel, `this machine's /proc/cpuinfo names a model: ${JSON.stringify(full?.facts)}`);
  // Alone, the exporter knows no model (node_cpu_info is off by default)…
  const alone = success((await poll(exporterTarget(exporter.url))).result).sample;
  assert.equal(alone.facts?.cpuModel, null);
  // …after the host's full SSH poll its facts are the same as that poll's, so none are sent to be stored.
  const switched = await pollFromSource(connections.runnerFor(sshTarget), job(exporterTarget(exporter.url)), full, { previousFull: full });
  const sample = success(switched.result).sample;
  assert.equal(sample.source, 'node_exporter');
  assert.equal(sample.facts, null, `facts unchanged: ${JSON.stringify(sample.facts)}`);
  assert.equal(switched.snapshot?.facts?.cpuModel, full.facts.cpuModel);
  // What the exporter does report still wins.
  const merged = withKnownFacts(switched.snapshot as HostSnapshot, { ...full, facts: { ...full.facts, kernel: 'older', cpuModel: 'Old CPU' } });
  assert.equal(merged.facts?.cpuModel, full.facts.cpuModel);
  assert.equal(merged.facts?.kernel, full.facts.kernel);
});
