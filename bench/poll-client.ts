// One measured client of the poll benchmark, run as its own process so that its CPU time is its
// own: `vigil` (the real worker with an in-process bus and a driver keeping K jobs in flight) or
// `bare` (one persistent ssh2 connection per host that only execs the same scripts, light or full
// on the worker's schedule (lib/collect/poll-schedule.ts), and reads all of their output: the
// practical limit). `bare` may also run one script only, the current ones or a bench-only variant
// (poll-script-variants.ts), to measure what each costs a host. Reads its config from the JSON file named by argv[2]
// (thousands of targets are too long for a command line); prints JSON lines:
// {"event":"measuring"} when the window opens and {"event":"done",...} with the figures.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import type Ssh2 from 'ssh2';
import type { Client as SshClient } from 'ssh2';
import { MemoryBus } from '../lib/bus/memory-bus.ts';
import type { MessageBus } from '../lib/bus/message-bus.ts';
import { pollScriptFor } from '../lib/collect/poll-schedule.ts';
import { POLL_SCRIPTS } from '../lib/collect/poll-script.ts';
import type { PollScriptKind } from '../lib/collect/poll-script.ts';
import { SCRIPT_VARIANTS } from './poll-script-variants.ts';
import { silentLogger } from '../lib/log.ts';
import type { HostTarget } from '../lib/poll/host-target.ts';
import type { PollResult } from '../lib/poll/poll-messages.ts';
import { commandPathText } from '../services/worker/script-delivery.ts';

export interface PollClientConfig {
  mode: 'vigil' | 'bare';
  /** bare only: the worker's light/full schedule (the default), or one script on every poll: light, full or a SCRIPT_VARIANTS name. */
  scripts?: 'schedule' | PollScriptKind | string;
  targets: HostTarget[];
  inFlight: number;
  /** Write a V8 CPU profile of the measured window alone into this directory (`<mode>-<padding>-<polls>-polls.cpuprofile`). */
  profileDir?: string;
  /**
   * Write a sampling heap profile of the measured window into this directory: the allocations that
   * outlived the young generation (promoted, whether dead or alive by the end) or were alive at its
   * end, by where they were made; what the scavenges copy.
   */
  heapProfileDir?: string;
  /**
   * ssh2 as installed (the bare loop's default: the issue's baseline), or loaded as the worker
   * loads it, its packets' padding from a pool (lib/ssh/ssh2.ts; the worker's default). The other
   * way round for either, what the pool is worth, and what is left of the worker's own cost.
   */
  padding?: 'stock' | 'pooled';
  /** bench/poll.ts --vigil-from: the checkout this client runs from (for its label; the client is that checkout's). */
  checkout?: string;
  /** Steady-state seconds after every host has been polled once, before the window opens. */
  warmupSec: number;
  measureSec: number;
}

export interface PollClientResult {
  event: 'done';
  mode: 'vigil' | 'bare';
  scripts: 'schedule' | PollScriptKind | string;
  padding: 'stock' | 'pooled';
  polls: number;
  /** Polls in the window that ran the full script (bare: as scheduled; vigil: as its samples say). */
  fullPolls: number;
  failures: number;
  failureReasons: Record<string, number>;
  wallMs: number;
  cpuMs: number;
  /** The kernel's part of cpuMs: socket writes and reads, and on loopback the receiving side's TCP work too. */
  systemCpuMs: number;
  /** TCP segments sent by the whole machine in the window (/proc/net/snmp OutSegs): both ends of every connection. */
  tcpSegments: number;
  /** Milliseconds of garbage-collection pauses in the window, minor and major (perf_hooks 'gc' entries). */
  gcMs: number;
}

/**
 * Exactly what the worker sends once it knows a connection's login shell is POSIX (every test host
 * here): the wrapped script as the exec command (services/worker/script-delivery.ts), so both
 * clients cost the hosts the same; by name, with their kind.
 */
const POLL_COMMANDS: Record<string, { kind: PollScriptKind; command: string }> = {
  full: { kind: 'full', command: commandPathText(POLL_SCRIPTS.full) },
  light: { kind: 'light', command: commandPathText(POLL_SCRIPTS.light) },
  ...Object.fromEntries(Object.entries(SCRIPT_VARIANTS).map(([name, v]) => [name, { kind: v.kind, command: commandPathText(v.text) }])),
};

/** Null, or why the poll failed; and whether it ran the full script. */
type PollOnce = (target: HostTarget) => Promise<{ failure: string | null; full: boolean }>;

const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as PollClientConfig;
const padding = config.padding ?? (config.mode === 'bare' ? 'stock' : 'pooled');
// ssh2 is loaded only now: whichever module loads it first in a process decides its padding.
const ssh2 = await loadSsh2(padding);
const { poll, close } = config.mode === 'bare' ? bareLoop(config.scripts ?? 'schedule', ssh2) : await vigilWorker(config.inFlight);
await drive(config, poll);
await close();
process.exit(0);

/**
 * K loops, each taking the host that waited longest, polling it and putting it back: every host
 * is polled in turn and never twice at once, for both clients alike.
 */
async function drive(cfg: PollClientConfig, pollOnce: PollOnce): Promise<void> {
  const idle = [...cfg.targets];
  const polledOnce = new Set<string>();
  let phase: 'warmup' | 'measuring' | 'done' = 'warmup';
  let polls = 0;
  let fullPolls = 0;
  let failures = 0;
  const failureReasons: Record<string, number> = {};
  let cpuStart = process.cpuUsage();
  let wallStart = performance.now();
  let segsStart = tcpOutSegments();
  let gcMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    if (phase !== 'measuring') return;
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  let result: PollClientResult | null = null;
  const profiler = cfg.profileDir === undefined ? null : new Session();
  let profileWritten = Promise.resolve();
  const heapProfiler = cfg.heapProfileDir === undefined ? null : new Session();
  const openWindow = (): void => {
    if (profiler) {
      profiler.connect();
      void profiler.post('Profiler.enable').then(() => profiler.post('Profiler.start'));
    }
    if (heapProfiler) {
      heapProfiler.connect();
      void heapProfiler.post('HeapProfiler.enable').then(() => heapProfiler.post('HeapProfiler.startSampling', {
        samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false,
      }));
    }
    phase = 'measuring';
    process.stdout.write(JSON.stringify({ event: 'measuring' }) + '\n');
    cpuStart = process.cpuUsage();
    wallStart = performance.now();
    segsStart = tcpOutSegments();
    setTimeout(() => {
      const cpu = process.cpuUsage(cpuStart);
      result = {
        event: 'done', mode: cfg.mode, scripts: cfg.mode === 'vigil' ? 'schedule' : (cfg.scripts ?? 'schedule'),
        padding, polls, fullPolls, failures, failureReasons,
        wallMs: performance.now() - wallStart, cpuMs: (cpu.user + cpu.system) / 1000, systemCpuMs: cpu.system / 1000, tcpSegments: tcpOutSegments() - segsStart, gcMs,
      };
      gcObserver.disconnect();
      phase = 'done';
      // At once, so the host-side meter stops with the window, not after the drain and close.
      process.stdout.write(JSON.stringify(result) + '\n');
      if (profiler) {
        const file = join(cfg.profileDir as string, `${cfg.mode}-${padding}-${result.polls}-polls.cpuprofile`);
        profileWritten = profiler.post('Profiler.stop').then(({ profile }) => writeFileSync(file, JSON.stringify(profile)));
      }
      if (heapProfiler) {
        const file = join(cfg.heapProfileDir as string, `${cfg.mode}-${padding}-${result.polls}-polls.heapprofile`);
        const written = heapProfiler.post('HeapProfiler.stopSampling').then(({ profile }) => writeFileSync(file, JSON.stringify(profile)));
        profileWritten = Promise.all([profileWritten, written]).then(() => undefined);
      }
    }, cfg.measureSec * 1000);
  };
  const loop = async (): Promise<void> => {
    while (phase !== 'done') {
      const target = idle.shift();
      if (!target) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const { failure, full } = await pollOnce(target);
      idle.push(target);
      if (phase === 'measuring') {
        polls++;
        if (full) fullPolls++;
        if (failure !== null) {
          failures++;
          failureReasons[failure] = (failureReasons[failure] ?? 0) + 1;
        }
      } else if (phase === 'warmup' && !polledOnce.has(target.name)) {
        polledOnce.add(target.name);
        if (polledOnce.size === cfg.targets.length) setTimeout(openWindow, cfg.warmupSec * 1000);
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.inFlight }, () => loop()));
  await profileWritten;
  if (result === null) throw new Error('measurement ended without a result');
}

async function loadSsh2(padding: 'stock' | 'pooled'): Promise<typeof Ssh2> {
  if (padding === 'stock') return (await import('ssh2')).default;
  const vigilSsh2 = await import('../lib/ssh/ssh2.ts');
  if (!vigilSsh2.paddingFromPool) throw new Error('ssh2 was loaded before lib/ssh/ssh2.ts: its padding would not be pooled');
  return vigilSsh2.default;
}

function bareLoop(scripts: 'schedule' | PollScriptKind | string, ssh2: typeof Ssh2): { poll: PollOnce; close: () => Promise<void> } {
  const clients = new Map<string, Promise<SshClient>>();
  // The worker's bookkeeping for its schedule, nothing more: good light polls since the last full one.
  const lightPollsSinceFull = new Map<string, number>();
  const keys = new Map<string, Buffer>();
  const connect = (t: HostTarget): Promise<SshClient> => new Promise((resolve, reject) => {
    const file = t.privateKeyFile as string;
    let key = keys.get(file);
    if (!key) keys.set(file, (key = readFileSync(file)));
    const client = new ssh2.Client();
    client.on('ready', () => resolve(client));
    client.on('error', (err) => reject(err));
    client.on('close', () => clients.delete(t.name));
    client.connect({ host: t.address, port: t.port, username: t.user, privateKey: key, readyTimeout: 60_000 });
  });
  const poll: PollOnce = async (t) => {
    let pending = clients.get(t.name);
    if (!pending) {
      pending = connect(t);
      clients.set(t.name, pending);
    }
    const script = POLL_COMMANDS[scripts === 'schedule' ? pollScriptFor(t, lightPollsSinceFull.get(t.name) ?? null) : scripts];
    if (script === undefined) throw new Error(`no script named ${scripts}`);
    const kind = script.kind;
    try {
      const client = await pending;
      await new Promise<Buffer>((resolve, reject) => {
        client.exec(script.command, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.stderr.on('data', () => {});
          stream.on('close', () => resolve(Buffer.concat(chunks)));
          stream.end();
        });
      });
      lightPollsSinceFull.set(t.name, kind === 'full' ? 0 : (lightPollsSinceFull.get(t.name) ?? -1) + 1);
      return { failure: null, full: kind === 'full' };
    } catch (err) {
      clients.delete(t.name);
      return { failure: (err as Error).message.slice(0, 60), full: kind === 'full' };
    }
  };
  return {
    poll,
    close: async () => {
      for (const pending of clients.values()) pending.then((c) => c.end(), () => {});
    },
  };
}

async function vigilWorker(inFlight: number): Promise<{ poll: PollOnce; close: () => Promise<void> }> {
  const { startWorker } = await import('../services/worker/worker-service.ts');
  const memoryBus = new MemoryBus();
  const waiting = new Map<string, (result: PollResult) => void>();
  // Jobs reach the worker through the in-process bus, decoded from JSON as from RabbitMQ. Results
  // are encoded as the RabbitMQ bus encodes them (lib/bus/amqp-bus.ts) and the driver takes the
  // worker's own object: decoding a result is the writer's work, not the worker's.
  const bus: MessageBus = {
    publish: async (topic, message) => {
      if (topic !== 'poll.results') return memoryBus.publish(topic, message);
      const result = message as PollResult;
      Buffer.from(JSON.stringify(result));
      waiting.get(result.host)?.(result);
    },
    subscribe: (topic, options, handler) => memoryBus.subscribe(topic, options, handler),
    close: () => memoryBus.close(),
  };
  const worker = await startWorker({
    bus,
    log: silentLogger,
    maxInFlight: inFlight,
    connectTimeoutMs: 60_000,
    execTimeoutMs: 60_000,
    // The pool paces new connections to spare real sshds; lifted so the warm-up of 2,000 hosts
    // takes seconds, not minutes. Steady state, which is what is measured, opens none.
    ssh: { connectRatePerSec: 10_000, connectBurst: inFlight, maxConcurrentConnects: inFlight },
    // The second poll a second after first contact (warm-up only) would hold the host while the
    // driver sends its next job, which the worker then drops as a duplicate: the driver would wait forever.
    primeDelayMs: 0,
  });
  const seqs = new Map<string, number>();
  const poll: PollOnce = async (target) => {
    const seq = (seqs.get(target.name) ?? 0) + 1;
    seqs.set(target.name, seq);
    const done = new Promise<PollResult>((resolve) => waiting.set(target.name, resolve));
    const now = Date.now();
    await bus.publish('poll.jobs', { target, seq, scheduledAt: now, expiresAt: now + 600_000 });
    const result = await done;
    waiting.delete(target.name);
    return result.kind === 'sample'
      ? { failure: null, full: result.sample.pollScript !== 'light' }
      : { failure: result.reason, full: false };
  };
  return {
    poll,
    close: async () => {
      await worker.stop();
      await bus.close();
    },
  };
}

function tcpOutSegments(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Tcp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  return Number(values[names.indexOf('OutSegs')]);
}
