// Parse cost of one poll on the worker: parsePollOutput, and parsePollOutput + buildSample against
// the previous poll's snapshot, for a real host's capture of the full script (test/fixtures/hosts/debian12-vm-2core,
// ~130 processes), a simulated host's output of each script, and 2,000 simulated hosts' light
// outputs in turn. Each is set beside two bare baselines timed in the same run on the same text: `text.split('\n')` (the least any line parser does) and `JSON.parse` of
// a JSON document of the same length (what decoding that many bytes costs at its fastest). The
// machine is shared, so the ratios are the figures to compare.
// Run: node --import tsx bench/parse.ts [--ms 3000]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildSample } from '../lib/collect/build-sample.ts';
import { parsePollOutput } from '../lib/collect/parse-poll-output.ts';
import { renderPollOutput } from '../lib/simulator/render-poll-output.ts';
import { advanceHostState, createHostState } from '../lib/simulator/simulated-host-state.ts';

const { values } = parseArgs({ options: { ms: { type: 'string', default: '3000' } } });
const budgetMs = Number(values.ms);

interface Case {
  name: string;
  /** Each output is parsed in turn, after its own previous one: one host, or a fleet of them. */
  previousTexts: string[];
  texts: string[];
}

const fixture = (n: number): string => readFileSync(new URL(`../test/fixtures/hosts/debian12-vm-2core/poll-output-v2-${n}.txt`, import.meta.url), 'utf8');
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const simulated = createHostState('bench-host', 7, T0);
// Through a Buffer, as the worker gets every output (decoded from the channel's bytes): a flat
// string, where the simulator's is built by concatenation, which V8 reads more slowly.
const asReceived = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');
const simulatedBefore = asReceived(renderPollOutput(simulated));
advanceHostState(simulated, T0 + 10_000);
// bench:poll's 2,000 simulated hosts, light outputs taken in turn: a new text every time, as the
// worker gets them, from hosts that differ (4 to 64 cores, disks, interfaces). Their outputs are
// longer on average than the one host's above, and parsing costs about as much more as they are longer.
const FLEET = 2000;
const fleetStates = Array.from({ length: FLEET }, (_, i) => createHostState(`fleet-${i}`, i, T0));
const fleetBefore = fleetStates.map((state) => asReceived(renderPollOutput(state)));
const fleetLight = fleetStates.map((state) => {
  advanceHostState(state, T0 + 10_000);
  return asReceived(renderPollOutput(state, 'light'));
});
const cases: Case[] = [
  { name: 'debian12-vm-2core capture (full)', previousTexts: [fixture(1)], texts: [fixture(2)] },
  { name: 'simulated host (full)', previousTexts: [simulatedBefore], texts: [asReceived(renderPollOutput(simulated))] },
  { name: 'simulated host (light)', previousTexts: [simulatedBefore], texts: [asReceived(renderPollOutput(simulated, 'light'))] },
  { name: `${FLEET} simulated hosts in turn (light)`, previousTexts: fleetBefore, texts: fleetLight },
];

/** A JSON document of exactly `length` characters: an array of short strings, as a parser sees many small tokens. */
function jsonOfLength(length: number): string {
  const items: string[] = [];
  let size = 2;
  while (size + 12 < length) {
    items.push('"abcdefghi"');
    size += 12;
  }
  const doc = `[${items.join(',')}]`;
  return doc.length < length ? `${doc}${' '.repeat(length - doc.length)}` : doc;
}

let sink = 0;

/**
 * Median ms per call of each function. The functions take turns in rounds of ~20 ms each, so that
 * a burst of load from other work on the machine hits all of them alike, not one.
 */
function timeAll(runs: Record<string, () => unknown>): Record<string, number> {
  const perCall: Record<string, number[]> = {};
  for (const run of Object.values(runs)) for (let i = 0; i < 100; i++) sink += run() === null ? 1 : 0;
  const end = performance.now() + budgetMs;
  for (let round = 0; round < 7 || performance.now() < end; round++) {
    for (const [name, run] of Object.entries(runs)) {
      let calls = 0;
      const start = performance.now();
      let now = start;
      while (now - start < 20) {
        sink += run() === null ? 1 : 0;
        calls++;
        now = performance.now();
      }
      (perCall[name] ??= []).push((now - start) / calls);
    }
  }
  const medians: Record<string, number> = {};
  for (const [name, values] of Object.entries(perCall)) {
    values.sort((a, b) => a - b);
    medians[name] = values[Math.floor(values.length / 2)] ?? Number.NaN;
  }
  return medians;
}

const rows: string[] = [
  `parse benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}`,
  '',
  '| output | bytes | processes | split lines ms | JSON.parse ms | parsePollOutput ms | + buildSample ms | parse vs split | parse vs JSON.parse | parse+build vs JSON.parse |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const c of cases) {
  const previous = c.previousTexts.map((text) => parsePollOutput(text));
  const jsons = c.texts.map((text) => jsonOfLength(text.length));
  const processes = parsePollOutput(c.texts[0] ?? '').processes?.length ?? 0;
  const n = c.texts.length;
  const bytes = Math.round(c.texts.reduce((sum, text) => sum + text.length, 0) / n);
  let at = 0;
  const next = (): number => (at = (at + 1) % n);
  const t = timeAll({
    split: () => (c.texts[next()] ?? '').split('\n').length,
    json: () => JSON.parse(jsons[next()] ?? '') as unknown,
    parse: () => parsePollOutput(c.texts[next()] ?? ''),
    both: () => {
      const i = next();
      return buildSample('bench', T0, parsePollOutput(c.texts[i] ?? ''), previous[i], { processPatterns: ['postgres', 'sshd'] });
    },
  });
  const [split = NaN, jsonMs = NaN, parse = NaN, both = NaN] = [t['split'], t['json'], t['parse'], t['both']];
  rows.push(`| ${c.name} | ${n > 1 ? `${bytes} on average` : bytes} | ${processes} | ${split.toFixed(4)} | ${jsonMs.toFixed(4)} | ${parse.toFixed(4)} | ${both.toFixed(4)} | `
    + `${(parse / split).toFixed(1)} | ${(parse / jsonMs).toFixed(2)} | ${(both / jsonMs).toFixed(2)} |`);
}
process.stdout.write(rows.join('\n') + '\n');
if (sink < 0) process.stdout.write('');
