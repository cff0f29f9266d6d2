// Host key verification against known_hosts files, as ssh does it: the user's files and the
// system's are read (never written); in accept-new mode a first-seen key is pinned to Vigil's own
// file (VIGIL_KNOWN_HOSTS), so a later different key is refused also after a restart.
import { appendFile, mkdir, open, readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HostKeyChecking } from '../../lib/poll/host-target.ts';
import {
  checkHostKey, keyFingerprint, knownHostsLine, knownHostsName, knownKeyTypes, parseKnownHosts,
} from '../../lib/ssh/known-hosts.ts';
import type { KnownHostsEntry } from '../../lib/ssh/known-hosts.ts';
import { KnownHostsIndex } from '../../lib/ssh/known-hosts-index.ts';

export interface HostKeyStoreOptions {
  mode?: HostKeyChecking;
  /** Where accept-new pins go, and read like the others. Null: pins are kept in memory only. */
  pinFile?: string | null;
  /** Read-only known_hosts files; default the user's and the system's. */
  knownHostsFiles?: string[];
}

export type HostKeyVerdict = { ok: true } | { ok: false; message: string };

export function defaultKnownHostsFiles(): string[] {
  const ssh = join(homedir(), '.ssh');
  return [join(ssh, 'known_hosts'), join(ssh, 'known_hosts2'), '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
}

interface LoadedFile {
  /** Inode, mtime and size when read: an operator's `ssh-keygen -R` takes effect without a restart. */
  ino: number;
  mtimeMs: number;
  size: number;
  /** Lines read, to number the lines appended after them. */
  lines: number;
  /** The last bytes read: a file that grew and still has them where they were was appended to. */
  tail: Buffer;
  index: KnownHostsIndex;
}

/** Enough to tell an append from a rewrite that grew the file; pin lines are about 100 bytes. */
const TAIL_BYTES = 256;

export class HostKeyStore {
  readonly mode: HostKeyChecking;
  readonly pinFile: string | null;
  private readonly files: string[];
  private readonly loaded = new Map<string, LoadedFile>();
  /** Pins made without a pin file, or not yet visible in it, by knownHostsName. */
  private readonly memoryPins = new Map<string, KnownHostsEntry[]>();
  /** A read of each file under way, which lookups in the meantime share. */
  private readonly loading = new Map<string, Promise<KnownHostsIndex | null>>();
  private writes: Promise<void> = Promise.resolve();

  constructor(options: HostKeyStoreOptions = {}) {
    this.mode = options.mode ?? 'accept-new';
    this.pinFile = options.pinFile ?? null;
    const files = options.knownHostsFiles ?? defaultKnownHostsFiles();
    this.files = this.pinFile === null ? files : [...files.filter((f) => f !== this.pinFile), this.pinFile];
  }

  /** Key types on file for the host, to prefer in the key exchange. */
  async knownKeyTypes(address: string, port: number): Promise<string[]> {
    const name = knownHostsName(address, port);
    return knownKeyTypes(await this.entriesFor(name), name);
  }

  async verify(address: string, port: number, key: Buffer, mode: HostKeyChecking = this.mode): Promise<HostKeyVerdict> {
    if (mode === 'off') return { ok: true };
    const name = knownHostsName(address, port);
    const check = checkHostKey(await this.entriesFor(name), name, key);
    const where = `${address}:${port}`;
    const presented = `${keyFingerprint(key)}`;
    switch (check.status) {
      case 'known':
        return { ok: true };
      case 'revoked':
        return { ok: false, message: `host key of ${where} (${presented}) is marked @revoked in known_hosts; refusing to connect` };
      case 'changed': {
        const expected = check.expected.map((e) => `${e.keyType} ${keyFingerprint(e.key)}`).join(', ');
        return {
          ok: false,
          message: `host key changed for ${where}: it presented ${presented}, known_hosts has ${expected} `
            + `(possible man-in-the-middle, or the host was reinstalled; if so remove the old entry with ssh-keygen -R '${name}'`
            + `${this.pinFile ? ` -f ${this.pinFile}` : ''}); refusing to connect`,
        };
      }
      case 'unknown':
        if (mode === 'strict') {
          return {
            ok: false,
            message: `host key of ${where} (${presented}) is not in known_hosts and host key checking is strict; `
              + 'add the verified key to known_hosts (ssh-keyscan, checked out of band) to allow it',
          };
        }
        await this.pin(name, key);
        return { ok: true };
    }
  }

  private async pin(name: string, key: Buffer): Promise<void> {
    const line = knownHostsLine(name, key);
    const [entry] = parseKnownHosts(line);
    if (entry) this.memoryPins.set(name, [...(this.memoryPins.get(name) ?? []), entry]);
    const file = this.pinFile;
    if (file === null) return;
    // Appends are serialised so that two first contacts never interleave within a line.
    const write = this.writes.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, line + '\n', { mode: 0o644 });
    });
    this.writes = write.catch(() => {});
    await write;
  }

  private async entriesFor(name: string): Promise<KnownHostsEntry[]> {
    const found: KnownHostsEntry[] = [];
    for (const path of this.files) {
      const index = await this.load(path);
      if (index !== null) found.push(...index.forHost(name));
    }
    const pinned = this.memoryPins.get(name);
    return pinned === undefined ? found : [...found, ...pinned];
  }

  private load(path: string): Promise<KnownHostsIndex | null> {
    let pending = this.loading.get(path);
    if (pending === undefined) {
      pending = this.refresh(path).finally(() => this.loading.delete(path));
      this.loading.set(path, pending);
    }
    return pending;
  }

  private async refresh(path: string): Promise<KnownHostsIndex | null> {
    const info = await stat(path).catch(() => null);
    if (info === null) {
      this.loaded.delete(path);
      return null;
    }
    const cached = this.loaded.get(path);
    if (cached && cached.ino === info.ino && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.index;
    // Pins are appended a line at a time, the pin file by every first contact: reading only what
    // was added keeps a fleet's first contacts from reading the whole file again each.
    const loaded = (cached && (await readAppended(path, cached, info))) ?? (await readWhole(path, info));
    this.loaded.set(path, loaded);
    if (path === this.pinFile) this.forgetPinsOnFile(loaded.index);
    return loaded.index;
  }

  /** Pins the pin file now holds need not be kept in memory (and must not outlive their line). */
  private forgetPinsOnFile(index: KnownHostsIndex): void {
    for (const [name, pins] of this.memoryPins) {
      const onFile = index.forHost(name);
      const left = pins.filter((pin) => !onFile.some((e) => e.key.equals(pin.key)));
      if (left.length === 0) this.memoryPins.delete(name);
      else this.memoryPins.set(name, left);
    }
  }
}

async function readWhole(path: string, info: Stats): Promise<LoadedFile> {
  const bytes = await readFile(path).catch(() => Buffer.alloc(0));
  return {
    ino: info.ino, mtimeMs: info.mtimeMs, size: bytes.length, lines: countLines(bytes), tail: tailOf(bytes),
    index: new KnownHostsIndex(parseKnownHosts(bytes.toString('utf8'))),
  };
}

/** What was appended since `cached`, added to its index; null when the file was not appended to. */
async function readAppended(path: string, cached: LoadedFile, info: Stats): Promise<LoadedFile | null> {
  const endsLine = cached.tail.length === 0 || cached.tail[cached.tail.length - 1] === 0x0a;
  if (info.ino !== cached.ino || info.size <= cached.size || !endsLine) return null;
  const from = cached.size - cached.tail.length;
  const file = await open(path, 'r').catch(() => null);
  if (file === null) return null;
  try {
    const bytes = Buffer.alloc(info.size - from);
    const { bytesRead } = await file.read(bytes, 0, bytes.length, from);
    const read = bytes.subarray(0, bytesRead);
    if (bytesRead <= cached.tail.length || !read.subarray(0, cached.tail.length).equals(cached.tail)) return null;
    const added = read.subarray(cached.tail.length);
    for (const entry of parseKnownHosts(added.toString('utf8'), cached.lines + 1)) cached.index.add(entry);
    return {
      ino: info.ino, mtimeMs: info.mtimeMs, size: from + bytesRead, lines: cached.lines + countLines(added), tail: tailOf(read),
      index: cached.index,
    };
  } finally {
    await file.close();
  }
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) lines++;
  return lines;
}

function tailOf(bytes: Buffer): Buffer {
  return Buffer.from(bytes.subarray(Math.max(0, bytes.length - TAIL_BYTES)));
}
