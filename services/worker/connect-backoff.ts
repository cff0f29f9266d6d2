// How long a host that failed to connect is left alone. Reconnecting on every poll would turn
// one down host into a steady stream of attempts that fail2ban or MaxStartups punish.
import { cappedBackoffMs } from '../../lib/capped-backoff.ts';

export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** The delay never exceeds this, so a host that comes back is noticed within it. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2000, maxMs: 60_000 };

/**
 * Exponential in the number of consecutive failures, with "equal jitter": between half and all
 * of the exponential delay, so hosts that failed together (a switch reboot) do not retry together.
 */
export function backoffDelayMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = cappedBackoffMs(policy.baseMs, policy.maxMs, failures - 1);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
