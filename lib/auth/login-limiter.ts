// Slows down password guessing: at most `perNameAndIp` failed logins for one name from one
// address, and `perIp` for all names from one address, within a sliding window. Kept in the
// web process's memory: a restart forgives, and each web process behind a balancer counts alone.
export interface LoginLimits {
  perNameAndIp: number;
  perIp: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perNameAndIp: 5, perIp: 50, windowMs: 15 * 60_000 };

/** Beyond this many tracked keys, the least recently failed are forgotten (memory stays bounded). */
const MAX_KEYS = 100_000;

export class LoginLimiter {
  private readonly limits: LoginLimits;
  private readonly now: () => number;
  /** Failure times per key, oldest first; a Map keeps keys in insertion order, used to forget the oldest. */
  private readonly failures = new Map<string, number[]>();

  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS, now: () => number = Date.now) {
    this.limits = limits;
    this.now = now;
  }

  /** Milliseconds until a login for `name` from `ip` may be tried again; 0 when it may now. */
  retryAfterMs(name: string, ip: string): number {
    const at = this.now();
    return Math.max(this.waitFor(nameKey(name, ip), this.limits.perNameAndIp, at), this.waitFor(ipKey(ip), this.limits.perIp, at));
  }

  recordFailure(name: string, ip: string): void {
    const at = this.now();
    for (const key of [nameKey(name, ip), ipKey(ip)]) {
      const times = this.recent(key, at);
      times.push(at);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    while (this.failures.size > MAX_KEYS) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  /**
   * A good password clears the failures of that name from that address; the address's own
   * count stays, or an attacker with one account could reset it between guesses at others.
   */
  recordSuccess(name: string, ip: string): void {
    this.failures.delete(nameKey(name, ip));
  }

  private waitFor(key: string, limit: number, at: number): number {
    const times = this.recent(key, at);
    if (times.length < limit) return 0;
    // The window has to forget enough failures to get back under the limit.
    const freeing = times[times.length - limit];
    return freeing === undefined ? 0 : Math.max(1, freeing + this.limits.windowMs - at);
  }

  private recent(key: string, at: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const kept = times.filter((t) => t > at - this.limits.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== times.length) this.failures.set(key, kept);
    return kept;
  }
}

const nameKey = (name: string, ip: string): string => `n\u0000${ip}\u0000${name}`;
const ipKey = (ip: string): string => `i\u0000${ip}`;
