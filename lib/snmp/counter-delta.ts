// How much an SNMP counter grew between two polls. Counter32 wraps at 2^32, which a busy link's
// octet counter does within minutes; a counter that went down otherwise was reset (a reboot, a
// replaced board), and no delta is better than a wrong one.

const COUNTER32_MODULUS = 2 ** 32;

/**
 * The growth from `previous` to `current`, or null when either is unknown or the counter was
 * reset. A Counter32 that went down is taken as one wrap, unless `restarted` says the agent
 * restarted in between (its sysUpTime went down).
 */
export function counterDelta(previous: number | null, current: number | null, bits: 32 | 64, restarted = false): number | null {
  if (previous === null || current === null || restarted) return null;
  if (!Number.isFinite(previous) || !Number.isFinite(current) || previous < 0 || current < 0) return null;
  if (current >= previous) return current - previous;
  if (bits === 32 && previous < COUNTER32_MODULUS) return current + COUNTER32_MODULUS - previous;
  return null;
}

/** counterDelta per second over `elapsedSec`; null without a positive elapsed time. */
export function counterRate(previous: number | null, current: number | null, elapsedSec: number, bits: 32 | 64, restarted = false): number | null {
  if (!(elapsedSec > 0) || !Number.isFinite(elapsedSec)) return null;
  const delta = counterDelta(previous, current, bits, restarted);
  return delta === null ? null : delta / elapsedSec;
}

/** True when sysUpTime went down between two polls: the agent restarted and its counters began again. */
export function agentRestarted(previousUptimeSec: number | null, currentUptimeSec: number | null): boolean {
  // Without both readings there is no telling; counters that went down are then treated as wraps (32-bit) or resets (64-bit).
  return previousUptimeSec !== null && currentUptimeSec !== null && currentUptimeSec < previousUptimeSec;
}
