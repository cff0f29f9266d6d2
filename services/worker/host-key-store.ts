// Host key verification against known_hosts files, as ssh does it: the user's files and the
// system's are read (never written); in accept-new mode a first-seen key is pinned to Vigil's own
// file (VIGIL_KNOWN_HOSTS), so a later different key is refused also after a restart.
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { HostKeyChecking } from '../../lib/poll/host-target.ts';
import {
  checkHostKey, keyFingerprint, knownHostsLine, knownHostsName, knownKeyTypes, parseKnownHosts,
} from '../../lib/ssh/known-hosts.ts';
import type { KnownHostsEntry } from '../../lib/ssh/known-hosts.ts';

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
  path: string;
  /** mtime and size when read: an operator's `ssh-keygen -R` takes effect without a restart. */
  stamp: string;
  entries: KnownHostsEntry[];
}

export class HostKeyStore {
  readonly mode: HostKeyChecking;
  readonly pinFile: string | null;
  private readonly files: string[];
  private readonly loaded = new Map<string, LoadedFile>();
  /** Pins made without a pin file, or not yet visible in it. */
  private readonly memoryPins: KnownHostsEntry[] = [];
  private writes: Promise<void> = Promise.resolve();

  constructor(options: HostKeyStoreOptions = {}) {
    this.mode = options.mode ?? 'accept-new';
    this.pinFile = options.pinFile ?? null;
    const files = options.knownHostsFiles ?? defaultKnownHostsFiles();
    this.files = this.pinFile === null ? files : [...files.filter((f) => f !== this.pinFile), this.pinFile];
  }

  /** Key types on file for the host, to prefer in the key exchange. */
  async knownKeyTypes(address: string, port: number): Promise<string[]> {
    return knownKeyTypes(await this.entries(), knownHostsName(address, port));
  }

  async verify(address: string, port: number, key: Buffer, mode: HostKeyChecking = this.mode): Promise<HostKeyVerdict> {
    if (mode === 'off') return { ok: true };
    const name = knownHostsName(address, port);
    const check = checkHostKey(await this.entries(), name, key);
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
    if (entry) this.memoryPins.push(entry);
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

  private async entries(): Promise<KnownHostsEntry[]> {
    const all: KnownHostsEntry[] = [];
    for (const path of this.files) all.push(...(await this.load(path)));
    return [...all, ...this.memoryPins];
  }

  private async load(path: string): Promise<KnownHostsEntry[]> {
    const info = await stat(path).catch(() => null);
    if (info === null) {
      this.loaded.delete(path);
      return [];
    }
    const stamp = `${info.mtimeMs}:${info.size}`;
    const cached = this.loaded.get(path);
    if (cached && cached.stamp === stamp) return cached.entries;
    const text = await readFile(path, 'utf8').catch(() => '');
    const entries = parseKnownHosts(text);
    this.loaded.set(path, { path, stamp, entries });
    if (path === this.pinFile) this.memoryPins.length = 0;
    return entries;
  }
}
