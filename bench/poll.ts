// The poll benchmark (`npm run bench:poll`): polls per second and CPU milliseconds per poll of one
// worker process, against (a) real OpenSSH hosts on loopback and (b) simulated hosts, each side by
// side with a bare ssh2 loop that only execs the same scripts on the same hosts, light or full on the
// worker's schedule; against the real hosts, the bare loop also runs each script alone, to measure
// what a light and a full poll cost a host (with --script-variants, bench-only variants too, such as
// the previous version's scripts, in turns with the current ones). Every client runs
// in its own process, and the simulator in another, so each one's CPU is its own. Results are
// reported as ratios against the bare loop of the same run: the machine is shared and absolute
// figures drift from run to run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { HostTarget } from '../lib/poll/host-target.ts';
import type { PollClientConfig, PollClientResult } from './poll-client.ts';
import { SCRIPT_VARIANTS } from './poll-script-variants.ts';
import { startTreeCpuMeter } from './proc-cpu.ts';
import type { TreeCpuMeter } from './proc-cpu.ts';
import { startSshdFleet } from './sshd-fleet.ts';

const { values } = parseArgs({
  options: {
    'sshd-hosts': { type: 'string', default: '100' },
    'sim-hosts': { type: 'string', default: '2000' },
    'in-flight': { type: 'string', default: '64' },
    seconds: { type: 'string', default: '15' },
    // Long enough for V8 to have compiled the worker's per-poll code: a worker runs for days.
    'warmup-seconds': { type: 'string', default: '15' },
    rounds: { type: 'string', default: '1' },
    /** Skip the bare loop's light-only and full-only runs against the sshd fleet. */
    'skip-per-script': { type: 'boolean', default: false },
    /** Only the bare loop's per-script runs against the sshd fleet (`--rounds` of them, in turns): what each script costs a host. */
    'per-script-only': { type: 'boolean', default: false },
    /**
     * Also run each client with the other client's ssh2 padding: the bare loop with the worker's
     * pooled padding (what is left is the worker's own cost), the worker with stock ssh2 (what the pool saves it).
     */
    'compare-padding': { type: 'boolean', default: false },
    /**
     * Also run the worker of another checkout of Vigil (a git worktree of an earlier commit, its
     * node_modules in place), after this one's in each round: a change measured against the code
     * before it in the same run, on the same hosts.
     */
    'vigil-from': { type: 'string' },
    /**
     * The worker and the bare loop (or, with --vigil-from, the two workers) at once instead of in
     * turn, each on half the hosts with half the polls in flight (the halves swapped every round),
     * so that both see the same load of the machine: on a shared machine whose speed drifts
     * between rounds, this compares their CPU a poll to about 6% a round (the same code against itself, BENCHMARKS.md) where rounds in turn differ
     * by a quarter. Host CPU and TCP segments are then the two clients' together.
     */
    'side-by-side': { type: 'boolean', default: false },
    /** Add the bench-only scripts of poll-script-variants.ts to the per-script runs. */
    'script-variants': { type: 'boolean', default: false },
  },
});
const perScriptOnly = values['per-script-only'] === true;
const perScripts = ['light', 'full', ...(values['script-variants'] === true ? Object.keys(SCRIPT_VARIANTS) : [])];
const inFlight = Number(values['in-flight']);
const measureSec = Number(values.seconds);
const warmupSec = Number(values['warmup-seconds']);
const rounds = Number(values.rounds);

interface Measured extends PollClientResult {
  /** CPU of the hosts' side (sshd trees, or the simulator process) over the same window. */
  hostCpuMs: number;
  /** --vigil-from: the other checkout this client ran from. */
  checkout?: string;
}

interface FleetReport {
  fleet: string;
  hosts: number;
  runs: Measured[];
}

const base = { connection: 'ssh' as const, intervalSec: 10, groups: [] };
const reports: FleetReport[] = [];

// --sshd-hosts 0: the simulated fleet alone (a profile of the worker's own code, say).
if (Number(values['sshd-hosts']) > 0) {
  const count = Number(values['sshd-hosts']);
  log(`starting ${count} sshd hosts`);
  const fleet = await startSshdFleet(count);
  try {
    const targets: HostTarget[] = fleet.hosts.map((h, i) => ({
      ...base, name: `sshd-${i + 1}`, address: '127.0.0.1', port: h.port, user: fleet.user, privateKeyFile: fleet.clientKeyFile,
    }));
    const runs = perScriptOnly ? [] : await runClients(targets, fleet.pids);
    if (values['skip-per-script'] !== true || perScriptOnly) {
      // In turns, so that a drift of the machine's load falls on every script alike.
      for (let round = 0; round < (perScriptOnly ? rounds : 1); round++) {
        for (const scripts of perScripts) runs.push(await measure({ mode: 'bare', scripts, targets, inFlight, warmupSec, measureSec }, fleet.pids));
      }
    }
    reports.push({ fleet: 'OpenSSH (one sshd per host)', hosts: count, runs });
  } finally {
    await fleet.stop();
  }
}

if (!perScriptOnly) {
  const count = Number(values['sim-hosts']);
  log(`starting the simulator with ${count} hosts`);
  const sim = await startSimulator(count);
  try {
    const targets: HostTarget[] = sim.info.hosts.map((h) => ({
      ...base, name: h.name, address: h.address, port: h.port, user: sim.info.user, privateKeyFile: sim.info.clientKeyFile,
    }));
    reports.push({ fleet: 'simulated (one ssh2 server process)', hosts: count, runs: await runClients(targets, [sim.info.pid]) });
  } finally {
    await sim.stop();
  }
}

printReport(reports);

async function runClients(targets: HostTarget[], hostPids: number[]): Promise<Measured[]> {
  const runs: Measured[] = [];
  for (let round = 0; round < rounds; round++) {
    const clients: Array<Pick<PollClientConfig, 'mode' | 'padding' | 'checkout'>> = values['compare-padding'] === true
      ? [{ mode: 'bare', padding: 'stock' }, { mode: 'bare', padding: 'pooled' }, { mode: 'vigil', padding: 'stock' }, { mode: 'vigil', padding: 'pooled' }]
      : [{ mode: 'bare', padding: 'stock' }, { mode: 'vigil', padding: 'pooled' }];
    const other = values['vigil-from'];
    if (values['side-by-side'] === true) {
      if (values['compare-padding'] === true) throw new Error('--side-by-side runs two clients at once: it cannot also --compare-padding');
      // Against another checkout, the bare loop alone first, for the table's ratios; else the bare loop is the other half.
      if (other !== undefined) runs.push(await measure({ mode: 'bare', padding: 'stock', targets, inFlight, warmupSec, measureSec }, hostPids));
      const half = Math.floor(targets.length / 2);
      const halves = [targets.slice(0, half), targets.slice(half)];
      const [mine, theirs] = round % 2 === 0 ? halves : [...halves].reverse();
      const beside: Pick<PollClientConfig, 'mode' | 'padding' | 'checkout'> = other !== undefined ? { mode: 'vigil', checkout: other } : { mode: 'bare', padding: 'stock' };
      runs.push(...await Promise.all([
        measure({ mode: 'vigil', padding: 'pooled', targets: mine ?? [], inFlight: Math.ceil(inFlight / 2), warmupSec, measureSec }, hostPids),
        measure({ ...beside, targets: theirs ?? [], inFlight: Math.ceil(inFlight / 2), warmupSec, measureSec }, hostPids),
      ]));
      continue;
    }
    if (other !== undefined) clients.push({ mode: 'vigil', checkout: other });
    for (const client of clients) runs.push(await measure({ ...client, targets, inFlight, warmupSec, measureSec }, hostPids));
  }
  return runs;
}

async function measure(config: PollClientConfig, hostPids: number[]): Promise<Measured> {
  const label = clientLabel(config);
  log(`  ${label}: warming up (${config.targets.length} hosts, ${config.inFlight} in flight)`);
  const run = await runClient(config, hostPids);
  // Let the hosts finish tearing down this client's connections before the next one starts.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  log(`  ${label}: ${(run.polls / (run.wallMs / 1000)).toFixed(0)} polls/s, ${(run.cpuMs / run.polls).toFixed(3)} client CPU ms/poll, `
    + `(${(run.systemCpuMs / run.polls).toFixed(3)} in the kernel), ${(run.tcpSegments / run.polls).toFixed(2)} TCP segments/poll, `
    + `${(run.gcMs / run.polls).toFixed(3)} GC ms/poll, `
    + `${(run.hostCpuMs / run.polls).toFixed(3)} host CPU ms/poll, ${run.fullPolls} of ${run.polls} full, ${run.failures} failures ${JSON.stringify(run.failureReasons)}, `
    + `load average ${loadavg()[0]?.toFixed(1)}`);
  return run;
}

function runClient(config: PollClientConfig, hostPids: number[]): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
    const configFile = join(dir, 'client.json');
    // VIGIL_BENCH_PROFILE_DIR: each client writes a V8 CPU profile of its measured window there, named by its client and polls.
    // VIGIL_BENCH_HEAP_PROFILE_DIR: a sampling heap profile of the window, of what outlived the young generation (poll-client.ts).
    writeFileSync(configFile, JSON.stringify({ ...config, profileDir: process.env.VIGIL_BENCH_PROFILE_DIR, heapProfileDir: process.env.VIGIL_BENCH_HEAP_PROFILE_DIR }));
    const nodeArgs: string[] = [];
    // VIGIL_BENCH_NODE_FLAGS: V8/Node flags for both clients alike (heap sizes, say), space-separated.
    nodeArgs.push(...(process.env.VIGIL_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean));
    // VIGIL_BENCH_FROM_NODE_FLAGS: more flags for the --vigil-from worker alone (a V8 flag tried side by side on the same code, say).
    if (config.checkout !== undefined) nodeArgs.push(...(process.env.VIGIL_BENCH_FROM_NODE_FLAGS ?? '').split(' ').filter(Boolean));
    const client = config.checkout === undefined ? new URL('./poll-client.ts', import.meta.url).pathname : join(config.checkout, 'bench', 'poll-client.ts');
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', client, configFile], {
      ...(config.checkout !== undefined && { cwd: config.checkout }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    let meter: Promise<TreeCpuMeter> | null = null;
    let hostCpu: Promise<number> | null = null;
    let done: PollClientResult | null = null;
    createInterface({ input: child.stdout }).on('line', (line) => {
      // V8's own traces (VIGIL_BENCH_NODE_FLAGS=--trace-gc, say) print to the client's stdout too: passed on, labelled.
      if (!line.startsWith('{"event"')) {
        process.stderr.write(`[${clientLabel(config)}] ${line}\n`);
        return;
      }
      const message = JSON.parse(line) as { event: string };
      if (message.event === 'measuring') meter = startTreeCpuMeter(hostPids);
      if (message.event === 'done') {
        hostCpu = meter?.then((m) => m.stop()) ?? null;
        done = message as PollClientResult;
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0 || done === null || hostCpu === null) {
        reject(new Error(`poll client (${config.mode}) exited with ${code} before reporting`));
        return;
      }
      const result = done;
      hostCpu.then((hostCpuMs) => resolve({ ...result, hostCpuMs, ...(config.checkout !== undefined && { checkout: config.checkout }) }), reject);
    });
  });
}

interface SimulatorInfo {
  pid: number;
  user: string;
  clientKeyFile: string;
  hosts: Array<{ name: string; address: string; port: number }>;
}

function startSimulator(count: number): Promise<{ info: SimulatorInfo; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const script = new URL('../scripts/simulate-hosts.ts', import.meta.url).pathname;
    // No random reboots: each would cost both clients a reconnect inside the window.
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--hosts', String(count), '--format', 'json', '--reboot-chance', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.on('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code} at start`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      resolve({
        info: JSON.parse(line) as SimulatorInfo,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

function printReport(all: FleetReport[]): void {
  const lines = [
    '',
    `poll benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, `
      + `${inFlight} polls in flight, ${measureSec} s windows after ${warmupSec} s of steady state; 1-minute load average at the end ${loadavg()[0]?.toFixed(1)}`,
    '',
    '| hosts | client | scripts | full polls | polls/s | client CPU ms/poll | host CPU ms/poll | failures | polls/s vs bare | CPU/poll vs bare |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const report of all) {
    // The baseline is the bare loop on the worker's schedule, never a single-script run.
    const bare = report.runs.filter((r) => r.mode === 'bare' && r.scripts === 'schedule' && r.padding === 'stock');
    const bareRate = mean(bare.map(rate));
    const bareCpu = mean(bare.map(cpuPerPoll));
    for (const run of report.runs) {
      const fullShare = `${((100 * run.fullPolls) / Math.max(1, run.polls)).toFixed(0)}%`;
      lines.push(`| ${report.hosts} ${report.fleet} | ${clientLabel(run)} | ${run.scripts} | ${fullShare} | ${rate(run).toFixed(0)} | ${cpuPerPoll(run).toFixed(3)} | `
        + `${(run.hostCpuMs / Math.max(1, run.polls)).toFixed(3)} | ${run.failures} | ${ratio(rate(run), bareRate)} | ${ratio(cpuPerPoll(run), bareCpu)} |`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function clientLabel(run: { mode: string; scripts?: string; padding?: string; checkout?: string }): string {
  if (run.checkout !== undefined) return `${run.mode} from ${run.checkout}`;
  // Each client's own way needs no word: the bare loop stock, the worker pooled.
  const padding = run.mode === 'bare' && run.padding === 'pooled' ? ', pooled padding' : run.mode === 'vigil' && run.padding === 'stock' ? ', stock ssh2' : '';
  return `${run.mode}${padding}${run.scripts && run.scripts !== 'schedule' ? ` (${run.scripts} only)` : ''}`;
}

function rate(run: Measured): number {
  return run.polls / (run.wallMs / 1000);
}

function cpuPerPoll(run: Measured): number {
  return run.cpuMs / Math.max(1, run.polls);
}

/** Against the bare loop on the schedule; "-" when the run had none (--per-script-only). */
function ratio(value: number, bare: number): string {
  return bare > 0 ? (value / bare).toFixed(2) : '-';
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
