// The node_exporter source's benchmark (`node --import tsx bench/node-exporter.ts`): polls per
// second and client CPU per poll of one worker (in this process, on the in-memory bus) scraping a
// local Debian prometheus-node-exporter, side by side with a bare loop of HTTP GETs of the same URL
// in the same run, K requests in flight in both. The exporter's own CPU per scrape is measured
// too: it, not the client, is what a scrape mostly costs. Figures are reported as ratios against the
// bare loop of the same round, as the machine is shared and absolute figures drift.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MemoryBus } from '../lib/bus/memory-bus.ts';
import { silentLogger } from '../lib/log.ts';
import type { HostTarget } from '../lib/poll/host-target.ts';
import type { PollJob, PollResult } from '../lib/poll/poll-messages.ts';
import { startWorker } from '../services/worker/worker-service.ts';

const { values } = parseArgs({
  options: {
    'in-flight': { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    'warmup-seconds': { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
  },
});
const inFlight = Number(values['in-flight']);
const measureMs = Number(values.seconds) * 1000;
const warmupMs = Number(values['warmup-seconds']) * 1000;
const rounds = Number(values.rounds);

interface Measured {
  polls: number;
  failures: number;
  seconds: number;
  clientCpuMs: number;
  exporterCpuMs: number;
}

const port = await freePort();
const url = `http://127.0.0.1:${port}/metrics`;
const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-node-exporter-'));
const exporter = spawn('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`, `--collector.textfile.directory=${dir}`], {
  stdio: 'ignore',
});
try {
  await waitForExporter();
  log(`node_exporter pid ${exporter.pid} on ${url}; ${inFlight} in flight, ${warmupMs / 1000} s warm-up, ${measureMs / 1000} s per run, ${rounds} rounds`);
  const bus = new MemoryBus();
  const worker = await startWorker({ bus, log: silentLogger, maxInFlight: inFlight, primeDelayMs: 0 });
  const rows: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Alternating the order, so neither side always runs on a machine the other has warmed.
    const order = round % 2 === 1 ? (['bare', 'worker'] as const) : (['worker', 'bare'] as const);
    const measured: Partial<Record<'bare' | 'worker', Measured>> = {};
    for (const side of order) measured[side] = side === 'bare' ? await bareLoop() : await workerLoop(bus);
    const bare = measured.bare as Measured;
    const viaWorker = measured.worker as Measured;
    const rate = (m: Measured): number => m.polls / m.seconds;
    const load = loadavg().map((l) => l.toFixed(1)).join(' ');
    rows.push(
      `round ${round}: bare GET ${rate(bare).toFixed(1)}/s (client ${(bare.clientCpuMs / bare.polls).toFixed(2)} ms CPU, exporter ${(bare.exporterCpuMs / bare.polls).toFixed(1)} ms CPU per scrape); `
      + `worker ${rate(viaWorker).toFixed(1)}/s (client ${(viaWorker.clientCpuMs / viaWorker.polls).toFixed(2)} ms CPU, exporter ${(viaWorker.exporterCpuMs / viaWorker.polls).toFixed(1)} ms CPU per poll; ${viaWorker.failures} failed); `
      + `worker/bare: rate ${(rate(viaWorker) / rate(bare)).toFixed(2)}, client CPU per poll ${((viaWorker.clientCpuMs / viaWorker.polls) / (bare.clientCpuMs / bare.polls)).toFixed(2)}; load ${load}`,
    );
    log(rows[rows.length - 1] ?? '');
  }
  await worker.stop();
  await bus.close();
  process.stdout.write(`${rows.join('\n')}\n`);
} finally {
  exporter.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}

/** K loops, each GETting the URL and reading the body as text, as the worker's scrape does. */
async function bareLoop(): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const get = (): Promise<string> => new Promise((resolve, reject) => {
    http.get(url, { agent, headers: { accept: 'text/plain;version=0.0.4' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    }).on('error', reject);
  });
  const result = await measure(async (running) => {
    let polls = 0;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (running()) {
        await get();
        polls++;
      }
    }));
    return { polls, failures: 0 };
  });
  agent.destroy();
  return result;
}

/** K hosts on the same exporter, each given its next job when its result arrives. */
async function workerLoop(bus: MemoryBus): Promise<Measured> {
  let seq = 0;
  const targets: HostTarget[] = Array.from({ length: inFlight }, (_, i) => ({
    name: `exporter-${i + 1}`, connection: 'ssh', address: '127.0.0.1', port: 22, user: 'root', privateKeyFile: null,
    intervalSec: 10, groups: [], source: 'node_exporter', nodeExporterUrl: url,
  }));
  const publish = (target: HostTarget): Promise<void> => {
    const now = Date.now();
    const job: PollJob = { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 };
    return bus.publish('poll.jobs', job);
  };
  return measure(async (running, counting) => {
    let polls = 0;
    let failures = 0;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let outstanding = targets.length;
    const subscription = await bus.subscribe('poll.results', { name: `bench-${seq}`, durable: false, prefetch: 1000 }, async (result: PollResult) => {
      if (counting()) {
        if (result.kind === 'sample') polls++;
        else failures++;
      }
      const target = targets.find((t) => t.name === result.host);
      if (running() && target !== undefined) await publish(target);
      else if (--outstanding === 0) finish();
    });
    await Promise.all(targets.map(publish));
    await finished;
    await subscription.close();
    return { polls, failures };
  });
}

/** Runs `body` through a warm-up and a measured window; CPU of this process and the exporter over the window. */
async function measure(body: (running: () => boolean, counting: () => boolean) => Promise<{ polls: number; failures: number }>): Promise<Measured> {
  const startedAt = Date.now();
  let windowStart = 0;
  let cpuAtStart = process.cpuUsage();
  let exporterAtStart = exporterCpuMs();
  let measuredMs = 0;
  let clientCpuMs = 0;
  let exporterCpu = 0;
  const counting = (): boolean => windowStart > 0 && Date.now() < windowStart + measureMs;
  const running = (): boolean => {
    const now = Date.now();
    if (windowStart === 0 && now >= startedAt + warmupMs) {
      windowStart = now;
      cpuAtStart = process.cpuUsage();
      exporterAtStart = exporterCpuMs();
    }
    if (windowStart > 0 && measuredMs === 0 && now >= windowStart + measureMs) {
      measuredMs = now - windowStart;
      const cpu = process.cpuUsage(cpuAtStart);
      clientCpuMs = (cpu.user + cpu.system) / 1000;
      exporterCpu = exporterCpuMs() - exporterAtStart;
    }
    return measuredMs === 0;
  };
  const { polls, failures } = await body(running, counting);
  return { polls, failures, seconds: measuredMs / 1000, clientCpuMs, exporterCpuMs: exporterCpu };
}

/** utime + stime of the exporter (all its threads), in ms. */
function exporterCpuMs(): number {
  const text = readFileSync(`/proc/${exporter.pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function waitForExporter(): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await fetch(url).then(async (r) => (await r.arrayBuffer(), r.ok), () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`node_exporter did not answer on ${url} (apt-get install -y prometheus-node-exporter)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
