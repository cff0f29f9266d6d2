// Where in its interval each host is polled. The phase is a hash of the host name, so hosts
// spread evenly over the interval, and slots are aligned to the epoch, so the same host keeps
// the same slot across scheduler restarts and reloads.

/** The host's offset within its interval, in [0, intervalMs). */
export function pollPhaseMs(name: string, intervalMs: number): number {
  return Math.floor((hashName(name) / 0x1_0000_0000) * intervalMs);
}

/** The first poll slot strictly after `time`: the next t > time with t ≡ phase (mod interval). */
export function nextSlotAfter(time: number, intervalMs: number, phaseMs: number): number {
  const offset = (((time - phaseMs) % intervalMs) + intervalMs) % intervalMs;
  return time - offset + intervalMs;
}

/** The first poll slot at or after `time`. */
export function firstSlotFrom(time: number, intervalMs: number, phaseMs: number): number {
  return nextSlotAfter(time - 1, intervalMs, phaseMs);
}

// FNV-1a, then murmur3's finaliser: FNV alone keeps the high bits of web01 and web02 close,
// which would put consecutively named hosts in the same few milliseconds.
function hashName(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
