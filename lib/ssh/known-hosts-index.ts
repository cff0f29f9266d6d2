// The entries of one known_hosts file, looked up by host name without a scan of the whole file.
// A worker asks for every connection it makes, and its own pin file holds a line per host: a scan
// per lookup made a fleet's first contacts quadratic (4,000 pinned hosts: 10 ms a connection).
// Lines whose patterns are all plain names are found through a map; wildcard, negated and hashed
// lines (an HMAC each) are scanned once per name and the answer kept until the file changes.
import { entryMatchesHost } from './known-hosts.ts';
import type { KnownHostsEntry } from './known-hosts.ts';

export class KnownHostsIndex {
  private readonly entries: KnownHostsEntry[] = [];
  /** Plain name (lower case) → positions in `entries` of the lines that list it. */
  private readonly byName = new Map<string, number[]>();
  /** Positions of the lines that must be matched pattern by pattern. */
  private readonly scanned: number[] = [];
  /** Name → positions among `scanned` that match it. */
  private readonly scannedFor = new Map<string, number[]>();

  constructor(entries: Iterable<KnownHostsEntry> = []) {
    for (const entry of entries) this.add(entry);
  }

  add(entry: KnownHostsEntry): void {
    const position = this.entries.push(entry) - 1;
    const names = plainNames(entry);
    if (names === null) {
      this.scanned.push(position);
      this.scannedFor.clear();
      return;
    }
    for (const name of names) {
      const positions = this.byName.get(name);
      if (positions === undefined) this.byName.set(name, [position]);
      else if (positions[positions.length - 1] !== position) positions.push(position);
    }
  }

  /** The entries that match `name` (as knownHostsName gives it), in file order. */
  forHost(name: string): KnownHostsEntry[] {
    const host = name.toLowerCase();
    const plain = this.byName.get(host) ?? NONE;
    let scanned = this.scannedFor.get(host);
    if (scanned === undefined) {
      scanned = this.scanned.filter((position) => entryMatchesHost(this.entries[position] as KnownHostsEntry, host));
      this.scannedFor.set(host, scanned);
    }
    if (scanned.length === 0) return plain.map((position) => this.entries[position] as KnownHostsEntry);
    return [...plain, ...scanned].sort((a, b) => a - b).map((position) => this.entries[position] as KnownHostsEntry);
  }
}

const NONE: number[] = [];

/** The names a line lists when none of its patterns is a wildcard or a negation; else null. */
function plainNames(entry: KnownHostsEntry): string[] | null {
  if (entry.hosts.kind !== 'patterns') return null;
  const names: string[] = [];
  for (const pattern of entry.hosts.patterns) {
    if (pattern.startsWith('!') || pattern.includes('*') || pattern.includes('?')) return null;
    names.push(pattern.toLowerCase());
  }
  return names;
}
