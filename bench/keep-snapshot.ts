// What keeping each host's snapshot costs the worker (lib/collect/keep-snapshot.ts): the worker's
// per-poll work without SSH (parse a simulated host's output as received, carry its filesystems,
// build the sample, encode the result as the bus does), over 2,000 simulated hosts in turn, one
// full poll in six, keeping for each host either the snapshots it parsed (as before) or snapshots
// of its own with the counters written in place; for its next poll, and its last full one for the
// next full poll, as the worker does. Each variant runs in a process of its own (the
// garbage collector's state is what is measured), alternating, several rounds; CPU µs a poll of
// the whole process (the collector's helper threads included).
// Run: node --import tsx bench/keep-snapshot.ts [--rounds 3]
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildSample } from '../lib/collect/build-sample.ts';
import { carryFilesystemsInPlace } from '../lib/collect/carry-filesystems.ts';
import { detachSnapshotStrings } from '../lib/collect/detach-snapshot-strings.ts';
import { keepSnapshot } from '../lib/collect/keep-snapshot.ts';
import { parsePollOutput } from '../lib/collect/parse-poll-output.ts';
import type { HostSnapshot } from '../lib/collect/sample.ts';
import { renderPollOutput } from '../lib/simulator/render-poll-output.ts';
import { advanceHostState, createHostState } from '../lib/simulator/simulated-host-state.ts';

const VARIANTS = ['parsed', 'kept'] as const;
type Variant = (typeof VARIANTS)[number];
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, variant: { type: 'string' } } });

if (values.variant === undefined) {
  const rounds = Number(values.rounds);
  const results: Record<Variant, number[]> = { parsed: [], kept: [] };
  for (let round = 0; round < rounds; round++) {
    for (const variant of VARIANTS) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--variant', variant], { encoding: 'utf8' });
      results[variant].push(Number(out.trim()));
      process.stderr.write(`round ${round + 1}, ${variant}: ${out.trim()} µs a poll\n`);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const base = median(results.parsed);
  process.stdout.write(`\n| kept for the next poll | CPU µs a poll (median of ${rounds}) | each round | vs the parsed snapshot |\n|---|---|---|---|\n`);
  for (const variant of VARIANTS) {
    const m = median(results[variant]);
    process.stdout.write(`| ${variant === 'parsed' ? 'the parsed snapshot (before)' : 'keepSnapshot'} | ${m.toFixed(1)} | ${results[variant].map((x) => x.toFixed(1)).join(', ')} | ${(m / base).toFixed(2)} |\n`);
  }
} else {
  process.stdout.write(`${measure(values.variant as Variant).toFixed(1)}\n`);
}

function measure(variant: Variant): number {
  const HOSTS = 2000;
  const ROUNDS = 6;
  const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
  const states = Array.from({ length: HOSTS }, (_, i) => createHostState(`fleet-${i}`, i, T0));
  // Rendered once, kept as bytes outside the heap, decoded per poll as the worker decodes a channel's output.
  const outputs: Buffer[][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    outputs.push(states.map((s) => {
      advanceHostState(s, T0 + (r + 1) * 10_000);
      return Buffer.from(renderPollOutput(s, r === 0 ? 'full' : 'light'));
    }));
  }
  const previous = new Map<string, HostSnapshot>();
  const previousFull = new Map<string, HostSnapshot>();
  let bytes = 0;
  const run = (passes: number): number => {
    let polls = 0;
    for (let p = 0; p < passes; p++) {
      for (let r = 0; r < ROUNDS; r++) {
        for (let h = 0; h < HOSTS; h++) {
          const name = `fleet-${h}`;
          const at = T0 + (p * ROUNDS + r) * 10_000;
          const prev = previous.get(name);
          const prevFull = previousFull.get(name);
          const snapshot = carryFilesystemsInPlace(parsePollOutput((outputs[r] as Buffer[])[h]?.toString('utf8') ?? ''), prev, at);
          const sample = buildSample(name, at, snapshot, prev, prevFull ? { previousFull: prevFull } : {});
          const detached = detachSnapshotStrings(snapshot);
          previous.set(name, variant === 'kept' ? keepSnapshot(prev, detached) : detached);
          if (detached.script === 'full') previousFull.set(name, variant === 'kept' ? keepSnapshot(prevFull, detached) : detached);
          bytes += Buffer.from(JSON.stringify({ host: name, seq: polls, kind: 'sample', sample })).length;
          polls++;
        }
      }
    }
    return polls;
  };
  run(2);
  const start = process.cpuUsage();
  const polls = run(4);
  const cpu = process.cpuUsage(start);
  if (bytes === 0) throw new Error('nothing was encoded');
  return (cpu.user + cpu.system) / polls;
}
