// The retry delay every loop of Vigil backs off by: a base doubled once per failure, capped, so
// that a dead broker, database or mail server is retried quickly at first and then steadily.
// Callers add jitter where many retry at once (workers reconnecting, hosts failing together).

/** `baseMs` doubled `doublings` times (none below 0, at most 30), and no more than `maxMs`. */
export function cappedBackoffMs(baseMs: number, maxMs: number, doublings: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(doublings, 0), 30));
}
