// ssh2 fills every packet's padding (4 to 19 bytes with AES-GCM) with its own call of
// crypto.randomFillSync, and each call costs about 4.6 µs here whatever its size: a job object
// and a trip into OpenSSL per call. At four packets a poll that was the worker's single largest
// cost after the socket writes (bench/poll.ts profiles). Taking small requests from a block of
// the same CSPRNG's bytes, filled once per 4 kB, costs about 0.1 µs; Node's own randomUUID
// caches its entropy the same way. Every pooled byte is handed out once.
import { randomFillSync } from 'node:crypto';

type RandomFill = typeof randomFillSync;

/** Requests up to this many bytes come from the pool; larger ones, or any other shape, go straight to the source. */
export const MAX_POOLED_BYTES = 64;

/**
 * A drop-in randomFillSync that serves `(uint8Array, offset, size)` calls of at most
 * MAX_POOLED_BYTES from a block refilled by `source`, and passes every other call to `source`
 * unchanged (its validation and errors included).
 */
export function createPooledRandomFill(source: RandomFill = randomFillSync, poolBytes = 4096): RandomFill {
  // allocUnsafeSlow: a block of its own, never a slice of Node's shared buffer pool.
  const pool = Buffer.allocUnsafeSlow(Math.max(poolBytes, MAX_POOLED_BYTES));
  let used = pool.length;
  // randomFillSync's overloads, as one signature that passes its arguments on as given.
  const fill = source as (buffer: unknown, offset?: number, size?: number) => unknown;
  const pooled = (buffer: unknown, offset?: number, size?: number): unknown => {
    if (
      !(buffer instanceof Uint8Array) || !Number.isInteger(offset) || !Number.isInteger(size)
      || (size as number) <= 0 || (size as number) > MAX_POOLED_BYTES
      || (offset as number) < 0 || (offset as number) + (size as number) > buffer.length
    ) {
      return fill(buffer, offset, size);
    }
    const n = size as number;
    if (used + n > pool.length) {
      source(pool);
      used = 0;
    }
    pool.copy(buffer, offset, used, used + n);
    used += n;
    return buffer;
  };
  return pooled as RandomFill;
}
