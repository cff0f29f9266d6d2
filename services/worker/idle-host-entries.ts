// What a worker keeps per host of a source with sessions (SNMP, vSphere) between polls: one entry
// per host, replaced when the host's settings change, and forgotten once the host has gone
// unpolled for a while (it left the inventory, or another worker has it now). The caller says
// what an entry holds and how to let go of it (close a session, log out).

export interface IdleHostEntry {
  /** The host's settings as a string: other settings start the host afresh. */
  key: string;
  lastUsedAt: number;
  /** When the host is idle enough to forget, after lastUsedAt. */
  idleMs: number;
}

// How often idle hosts are looked for: a sweep walks every host, so not on every poll.
const SWEEP_EVERY_MS = 60_000;

export class IdleHostEntries<E extends IdleHostEntry> {
  readonly #entries = new Map<string, E>();
  readonly #idleMs: number;
  readonly #release: (entry: E) => void;
  #lastSweepAt: number;

  /** `idleMs`: the least a host stays unpolled before it is forgotten (three of its intervals, if longer). */
  constructor(idleMs: number, release: (entry: E) => void, now: number) {
    this.#idleMs = idleMs;
    this.#release = release;
    this.#lastSweepAt = now;
  }

  /**
   * The entry of `host` under `key`, made by `create` when there is none or the key changed (the
   * old one released); idle hosts are swept first, at most once a minute.
   */
  entry(host: string, key: string, intervalSec: number, now: number, create: (base: IdleHostEntry) => E): E {
    this.#sweep(now);
    let entry = this.#entries.get(host);
    if (entry !== undefined && entry.key !== key) {
      this.#release(entry);
      entry = undefined;
    }
    if (entry === undefined) {
      entry = create({ key, lastUsedAt: now, idleMs: this.#idleMs });
      this.#entries.set(host, entry);
    }
    entry.idleMs = Math.max(this.#idleMs, 3 * intervalSec * 1000);
    return entry;
  }

  values(): IterableIterator<E> {
    return this.#entries.values();
  }

  /** Releases and forgets every entry. */
  clear(): void {
    for (const entry of this.#entries.values()) this.#release(entry);
    this.#entries.clear();
  }

  #sweep(now: number): void {
    if (now - this.#lastSweepAt < SWEEP_EVERY_MS) return;
    this.#lastSweepAt = now;
    for (const [host, entry] of this.#entries) {
      if (now - entry.lastUsedAt < entry.idleMs) continue;
      this.#release(entry);
      this.#entries.delete(host);
    }
  }
}
