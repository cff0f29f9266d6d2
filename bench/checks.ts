// The service checks' benchmark (`node --import tsx bench/checks.ts`): checks per second and client
// CPU per check of the worker's check runners (services/worker/run-host-checks.ts, as a worker calls
// them for each poll), against N local HTTP servers, side by side with a bare loop of plain
// http.get in the same run: one new connection per request (agent: false), the body read, nothing
// checked, which is what an HTTP check does at least. TCP connect checks are measured the same way
// against a bare net.connect. The servers run in a child process, so that the bench process's CPU is
// the client's alone. Figures are ratios against the bare loop of the same round: the machine is
// shared and absolute figures drift. The load average is printed with each round.
import { fork } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parseCheckSpecs } from '../lib/checks/parse-check-specs.ts';
import type { CheckSpec } from '../lib/checks/check-spec.ts';
import { startNetworkChecks } from '../services/worker/run-host-checks.ts';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '20' },
    'in-flight': { type: 'string', default: '8' },
    seconds: { type: 'string', default: '8' },
    'warmup-seconds': { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    child: { type: 'boolean', default: false },
  },
});

// A running index: which server the next request goes to.
let next = 0;

if (values.child) {
  await serveForParent(Number(values.servers));
} else {
  await main();
}

/** In the child: N HTTP servers on loopback, their ports sent to the parent. */
async function serveForParent(count: number): Promise<void> {
  const body = '{"status":"ok","service":"bench"}';
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = http.createServer((_request, response) => response.end(body));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.push((server.address() as net.AddressInfo).port);
  }
  process.send?.({ ports });
  process.on('disconnect', () => process.exit(0));
}

interface Measured {
  done: number;
  failed: number;
  seconds: number;
  cpuMs: number;
}

type Side = 'bare-http' | 'check-http' | 'bare-tcp' | 'check-tcp';

async function main(): Promise<void> {
  const serverCount = Number(values.servers);
  const inFlight = Number(values['in-flight']);
  const measureMs = Number(values.seconds) * 1000;
  const warmupMs = Number(values['warmup-seconds']) * 1000;
  const rounds = Number(values.rounds);
  const child = fork(new URL(import.meta.url).pathname, ['--child', '--servers', String(serverCount)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    const ports = await new Promise<number[]>((resolve, reject) => {
      child.once('message', (message) => resolve((message as { ports: number[] }).ports));
      child.once('exit', (code) => reject(new Error(`the servers' process exited with ${code}`)));
    });
    const parsed = parseCheckSpecs('bench', ports.flatMap((port) => [{ http: `http://127.0.0.1:${port}/health`, keyword: '"status":"ok"' }, { tcp: `127.0.0.1:${port}` }]));
    if (!parsed.ok) throw new Error(parsed.errors.map((error) => error.message).join('; '));
    const httpSpecs = parsed.specs.filter((spec) => spec.kind === 'http');
    const tcpSpecs = parsed.specs.filter((spec) => spec.kind === 'tcp');
    log(`${serverCount} HTTP servers in a child process; ${inFlight} in flight; ${warmupMs / 1000} s warm-up, ${measureMs / 1000} s per run, ${rounds} rounds`);
    const rows: string[] = [];
    for (let round = 1; round <= rounds; round++) {
      const load = loadavg().map((value) => value.toFixed(2)).join(' ');
      const order: Side[] = round % 2 === 1 ? ['bare-http', 'check-http', 'bare-tcp', 'check-tcp'] : ['check-http', 'bare-http', 'check-tcp', 'bare-tcp'];
      const measured: Partial<Record<Side, Measured>> = {};
      for (const side of order) {
        const one = side === 'bare-http' ? () => bareGet(ports) : side === 'bare-tcp' ? () => bareConnect(ports) : (index: number) => runCheck(side === 'check-http' ? httpSpecs : tcpSpecs, index);
        await loop(one, inFlight, warmupMs);
        measured[side] = await loop(one, inFlight, measureMs);
      }
      const loadAfter = loadavg().map((value) => value.toFixed(2)).join(' ');
      for (const kind of ['http', 'tcp'] as const) {
        const bare = measured[`bare-${kind}`] as Measured;
        const check = measured[`check-${kind}`] as Measured;
        const rate = (m: Measured): number => m.done / m.seconds;
        const cpu = (m: Measured): string => (m.cpuMs / Math.max(1, m.done)).toFixed(3);
        rows.push(`| ${kind} | ${round} | ${rate(bare).toFixed(0)} | ${rate(check).toFixed(0)} | ${(rate(check) / rate(bare)).toFixed(2)} | ${cpu(bare)} / ${cpu(check)} | ${bare.failed + check.failed} | ${load} → ${loadAfter} |`);
        log(rows.at(-1) as string);
      }
    }
    console.log('\n| check | round | bare/s | runner checks/s | runner ÷ bare | client CPU per check, bare / runner (ms) | failed | load average (1, 5, 15 min) before → after |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
  } finally {
    child.disconnect();
  }
}

/** `one` K at a time for `ms`; counts completions and failures, and this process's CPU. */
async function loop(one: (index: number) => Promise<boolean>, inFlight: number, ms: number): Promise<Measured> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = started + ms;
  let done = 0;
  let failed = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < deadline) {
      if (await one(next++)) done++;
      else failed++;
    }
  }));
  const cpu = process.cpuUsage(cpuBefore);
  return { done, failed, seconds: (performance.now() - started) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function runCheck(specs: CheckSpec[], index: number): Promise<boolean> {
  const spec = specs[index % specs.length] as CheckSpec;
  const [result] = await startNetworkChecks([spec]);
  return result?.ok === true;
}

function bareGet(ports: number[]): Promise<boolean> {
  const port = ports[next % ports.length] as number;
  return new Promise((resolve) => {
    http.get({ host: '127.0.0.1', port, path: '/health', agent: false }, (response) => {
      response.setEncoding('utf8');
      let body = '';
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 && body.length > 0));
      response.on('error', () => resolve(false));
    }).on('error', () => resolve(false));
  });
}

function bareConnect(ports: number[]): Promise<boolean> {
  const port = ports[next % ports.length] as number;
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
