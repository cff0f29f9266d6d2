// What the scheduler pays per poll to learn that the poll is done, on the RabbitMQ bus with
// packing: before, a copy of every result pack (decodeDelivery of the full results); now, a pack
// of poll.done notices (host and seq). Both are timed in the same run beside a bare baseline, a
// Buffer's toString of the result pack (the least a consumer does with the bytes it is sent).
// Results are a simulated host's light and full polls (lib/simulator), built as the worker does.
// Run: node --import tsx bench/fleet-completion-decode.ts [--ms 2000] [--pack 12]
import { parseArgs } from 'node:util';
import { buildSample } from '../lib/collect/build-sample.ts';
import { parsePollOutput } from '../lib/collect/parse-poll-output.ts';
import { renderPollOutput } from '../lib/simulator/render-poll-output.ts';
import { advanceHostState, createHostState } from '../lib/simulator/simulated-host-state.ts';
import { PACK_HEADER, PACK_FORMAT, decodeDelivery, encodePack } from '../lib/bus/amqp-pack.ts';
import { pollDoneOf } from '../lib/bus/poll-done.ts';
import type { PollResult } from '../lib/poll/poll-messages.ts';

const { values } = parseArgs({ options: { ms: { type: 'string', default: '2000' }, pack: { type: 'string', default: '12' } } });
const budgetMs = Number(values.ms);
const packSize = Number(values.pack);
if (!(budgetMs > 0) || !Number.isInteger(packSize) || packSize < 1) throw new Error('--ms must be > 0 and --pack an integer ≥ 1');

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const headers = { [PACK_HEADER]: PACK_FORMAT };

function resultsOf(kind: 'light' | 'full'): PollResult[] {
  return Array.from({ length: packSize }, (_, i) => {
    const state = createHostState(`sim-${i}`, i + 1, T0);
    const previous = parsePollOutput(renderPollOutput(state, kind));
    advanceHostState(state, T0 + 2000);
    const sample = buildSample(`sim-${i}`, T0 + 2000, parsePollOutput(renderPollOutput(state, kind)), previous);
    return { kind: 'sample', host: `sim-${i}`, seq: 1000 + i, scheduledAt: T0, startedAt: T0 + 5, finishedAt: T0 + 40, sample };
  });
}

/** Nanoseconds per poll of `run`, which handles one pack of `packSize` polls. */
function time(run: () => unknown): number {
  let sink = 0;
  for (let i = 0; i < 200; i++) sink ^= run() === undefined ? 1 : 0;
  let packs = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 50; i++) sink ^= run() === undefined ? 1 : 0;
    packs += 50;
    now = process.hrtime.bigint();
  }
  if (sink === 42) console.log('');
  return Number(now - start) / packs / packSize;
}

console.log(`completion decode, ${packSize} polls a pack, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const kind of ['light', 'full'] as const) {
  const results = resultsOf(kind);
  const resultPack = encodePack(results.map((r) => Buffer.from(JSON.stringify(r))));
  const donePack = encodePack(results.map((r) => Buffer.from(JSON.stringify(pollDoneOf(r)))));
  const bare = time(() => resultPack.toString('utf8').length);
  const before = time(() => decodeDelivery(resultPack, headers));
  const after = time(() => decodeDelivery(donePack, headers));
  console.log(
    `${kind}: result ${(resultPack.length / packSize).toFixed(0)} B, notice ${(donePack.length / packSize).toFixed(0)} B a poll; ` +
      `bare toString ${(bare / 1000).toFixed(2)} µs, decode results ${(before / 1000).toFixed(2)} µs (${(before / bare).toFixed(1)}× bare), ` +
      `decode notices ${(after / 1000).toFixed(2)} µs (${(after / bare).toFixed(2)}× bare) a poll: ${(before / after).toFixed(1)}× less`,
  );
}
