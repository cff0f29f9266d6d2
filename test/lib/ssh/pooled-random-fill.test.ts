import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { createPooledRandomFill, MAX_POOLED_BYTES } from '../../../lib/ssh/pooled-random-fill.ts';

/** A source whose bytes are a running count, so the test can tell which of them were handed out, and calls it took. */
function countingSource(): { source: typeof randomFillSync; calls: Array<{ bytes: number; offset: unknown; size: unknown }> } {
  let next = 0;
  const calls: Array<{ bytes: number; offset: unknown; size: unknown }> = [];
  const source = ((buffer: Uint8Array, offset?: number, size?: number) => {
    calls.push({ bytes: buffer.length, offset, size });
    const from = offset ?? 0;
    const to = from + (size ?? buffer.length - from);
    for (let i = from; i < to; i++) buffer[i] = next++ & 0xff;
    return buffer;
  }) as typeof randomFillSync;
  return { source, calls };
}

test('small fills hand out the source\'s bytes in order, each once, across refills of the pool', () => {
  const { source, calls } = countingSource();
  const fill = createPooledRandomFill(source, 64);
  // Under 256 bytes of the stream in all, so a byte's value is its position in the stream.
  const runs: Array<{ first: number; last: number }> = [];
  for (let size = 4; size <= 16; size++) {
    const packet = Buffer.alloc(40);
    fill(packet, 10, size);
    const bytes = [...packet.subarray(10, 10 + size)];
    const first = bytes[0] ?? -1;
    assert.deepEqual(bytes, Array.from({ length: size }, (_, k) => first + k), `the fill of ${size} is one run of the stream`);
    runs.push({ first, last: first + size - 1 });
  }
  assert.ok(calls.length > 1, 'the pool was refilled');
  assert.ok(calls.every((c) => c.bytes === 64 && c.offset === undefined), 'the source fills whole blocks');
  assert.ok((runs.at(-1)?.last ?? 256) < 256, 'the test stayed within 256 bytes of the stream');
  for (let i = 1; i < runs.length; i++) {
    const [before, run] = [runs[i - 1], runs[i]];
    assert.ok(before !== undefined && run !== undefined);
    // Strictly after the run before: no byte twice. A gap only where the block's tail was too short.
    assert.ok(run.first > before.last, `fill ${i} starts after fill ${i - 1} ended`);
    if (run.first !== before.last + 1) assert.equal(run.first % 64, 0, `a gap before fill ${i} only at a new block`);
  }
});

test('each byte of a block is handed out at most once', () => {
  const { source } = countingSource();
  const fill = createPooledRandomFill(source, 64);
  // Sizes that divide the block exactly: the stream comes out whole, in order, with no gaps.
  const out: number[] = [];
  for (let i = 0; i < 64; i++) {
    const packet = Buffer.alloc(16);
    fill(packet, 0, 16);
    out.push(...packet);
  }
  assert.deepEqual(out, Array.from({ length: 1024 }, (_, i) => i & 0xff));
});

test('only the requested range is written, and the buffer is returned', () => {
  const fill = createPooledRandomFill();
  const packet = Buffer.alloc(48, 0xaa);
  assert.equal(fill(packet, 20, 19), packet);
  assert.deepEqual([...packet.subarray(0, 20)], new Array(20).fill(0xaa));
  assert.deepEqual([...packet.subarray(39)], new Array(9).fill(0xaa));
  assert.notDeepEqual([...packet.subarray(20, 39)], new Array(19).fill(0xaa), '19 random bytes are not all 0xaa');
});

test('two fills from the real CSPRNG differ', () => {
  const fill = createPooledRandomFill();
  const a = fill(Buffer.alloc(32), 0, 32);
  const b = fill(Buffer.alloc(32), 0, 32);
  assert.notDeepEqual(a, b);
});

test('every other call goes to the source unchanged', () => {
  const { source, calls } = countingSource();
  const fill = createPooledRandomFill(source, 4096);
  fill(Buffer.alloc(8));
  fill(Buffer.alloc(200), 0, MAX_POOLED_BYTES + 1);
  fill(Buffer.alloc(8), 2);
  fill(Buffer.alloc(8), 0, 0);
  assert.deepEqual(calls, [
    { bytes: 8, offset: undefined, size: undefined },
    { bytes: 200, offset: 0, size: MAX_POOLED_BYTES + 1 },
    { bytes: 8, offset: 2, size: undefined },
    { bytes: 8, offset: 0, size: 0 },
  ]);
});

test('any other arguments work or fail exactly as randomFillSync does', () => {
  const fill = createPooledRandomFill();
  const outcome = (f: typeof randomFillSync, args: readonly unknown[]): string => {
    try {
      f(...(args as Parameters<typeof randomFillSync>));
      return 'ok';
    } catch (err) {
      return String((err as NodeJS.ErrnoException).code);
    }
  };
  const cases: unknown[][] = [[Buffer.alloc(8), 4, 8], [Buffer.alloc(8), -1, 4], [Buffer.alloc(8), 1.5, 2], ['text', 0, 4], [Buffer.alloc(8), '1', 2], [Buffer.alloc(8), 0, -2]];
  const outcomes = cases.map((args) => outcome(randomFillSync, args));
  assert.ok(outcomes.includes('ok') && outcomes.some((o) => o.startsWith('ERR_')), `the cases include both: ${outcomes.join(', ')}`);
  assert.deepEqual(cases.map((args) => outcome(fill, args)), outcomes);
});

test('typed arrays other than bytes and DataViews go to the source', () => {
  const { source, calls } = countingSource();
  const fill = createPooledRandomFill(source, 4096);
  const words = new Uint32Array(4);
  fill(words, 0, 2);
  const view = new DataView(new ArrayBuffer(8));
  fill(view, 0, 4);
  assert.equal(calls.length, 2);
  // A Uint8Array that is not a Buffer is bytes all the same: pooled.
  fill(new Uint8Array(8), 0, 8);
  assert.equal(calls.length, 3, 'one refill of the pool');
  fill(new Uint8Array(8), 0, 8);
  assert.equal(calls.length, 3, 'served from the pool');
});
