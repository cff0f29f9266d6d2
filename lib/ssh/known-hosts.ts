// OpenSSH known_hosts files, read as sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT" describes them:
// `[@marker] patterns keytype base64-key [comment]`, patterns either a comma list with `*`, `?`
// and `!` negation, or one hashed name `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
// Pure: the caller reads the files.
import { createHash, createHmac } from 'node:crypto';

export type KnownHostsMarker = 'cert-authority' | 'revoked' | null;

export type HostPatterns =
  | { kind: 'patterns'; patterns: string[] }
  | { kind: 'hashed'; salt: Buffer; hash: Buffer };

export interface KnownHostsEntry {
  /** 1-based line number, for messages that point the operator at the line to fix. */
  line: number;
  marker: KnownHostsMarker;
  hosts: HostPatterns;
  keyType: string;
  /** The public key blob (SSH wire format), as a server presents it during key exchange. */
  key: Buffer;
}

export type HostKeyCheck =
  | { status: 'known'; entry: KnownHostsEntry }
  /** The host has keys on file, none of them the one presented. */
  | { status: 'changed'; expected: KnownHostsEntry[] }
  | { status: 'revoked'; entry: KnownHostsEntry }
  | { status: 'unknown' };

/**
 * Lines that are not entries (comments, blanks, garbage) are skipped, as ssh skips them.
 * `firstLine`: the number of the text's first line, when it is what was appended to a file.
 */
export function parseKnownHosts(text: string, firstLine = 1): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const entry = parseLine(lines[i] ?? '', firstLine + i);
    if (entry) entries.push(entry);
  }
  return entries;
}

function parseLine(raw: string, line: number): KnownHostsEntry | null {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return null;
  const fields = text.split(/\s+/);
  let marker: KnownHostsMarker = null;
  if (fields[0]?.startsWith('@')) {
    const name = fields.shift();
    if (name === '@cert-authority') marker = 'cert-authority';
    else if (name === '@revoked') marker = 'revoked';
    else return null;
  }
  const [hostField, keyType, keyBase64] = fields;
  if (hostField === undefined || keyType === undefined || keyBase64 === undefined) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) return null;
  const key = Buffer.from(keyBase64, 'base64');
  // The blob names its own type; a line whose two disagree is corrupt.
  if (keyTypeOf(key) !== keyType) return null;
  const hosts = parseHosts(hostField);
  if (!hosts) return null;
  return { line, marker, hosts, keyType, key };
}

function parseHosts(field: string): HostPatterns | null {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return null;
    return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  }
  const patterns = field.split(',').filter((p) => p !== '');
  return patterns.length === 0 ? null : { kind: 'patterns', patterns };
}

/** The name ssh looks a host up under: `host` on port 22, `[host]:port` on any other. */
export function knownHostsName(address: string, port: number): string {
  const host = address.toLowerCase();
  return port === 22 ? host : `[${host}]:${port}`;
}

export function entryMatchesHost(entry: KnownHostsEntry, name: string): boolean {
  const host = name.toLowerCase();
  if (entry.hosts.kind === 'hashed') {
    const digest = createHmac('sha1', entry.hosts.salt).update(host).digest();
    return digest.equals(entry.hosts.hash);
  }
  // A negated pattern that matches vetoes the whole line, whatever else matched.
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith('!');
    const glob = (negated ? pattern.slice(1) : pattern).toLowerCase();
    if (!globMatches(glob, host)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function globMatches(glob: string, text: string): boolean {
  if (!glob.includes('*') && !glob.includes('?')) return glob === text;
  let compiled = globs.get(glob);
  if (compiled === undefined) {
    const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    compiled = new RegExp(`^${source}$`);
    if (globs.size >= 10_000) globs.clear();
    globs.set(glob, compiled);
  }
  return compiled.test(text);
}

/** Compiled wildcard patterns: only the files' own, so as many as their lines hold. */
const globs = new Map<string, RegExp>();

/** Checks the key a host presented against the entries for its name. */
export function checkHostKey(entries: KnownHostsEntry[], name: string, key: Buffer): HostKeyCheck {
  const forHost = entries.filter((e) => entryMatchesHost(e, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  // Certificate authorities sign host certificates, which Vigil does not negotiate: such a line
  // neither vouches for a plain key nor makes the host "known".
  const plain = forHost.filter((e) => e.marker === null);
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { status: 'known', entry: same };
  return plain.length > 0 ? { status: 'changed', expected: plain } : { status: 'unknown' };
}

/** Key types on file for a host, so the key exchange can ask for one of those first (as ssh does). */
export function knownKeyTypes(entries: KnownHostsEntry[], name: string): string[] {
  const types = entries.filter((e) => e.marker === null && entryMatchesHost(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** One known_hosts line pinning `key` for `name`. */
export function knownHostsLine(name: string, key: Buffer): string {
  return `${name} ${keyTypeOf(key) ?? 'unknown'} ${key.toString('base64')}`;
}

/** The key type a public key blob starts with ("ssh-ed25519"), or null if it is not a blob. */
export function keyTypeOf(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) return null;
  const type = blob.subarray(4, 4 + length).toString('latin1');
  return /^[\x21-\x7e]+$/.test(type) ? type : null;
}

/** "SHA256:…" as ssh-keygen -l prints it. */
export function keyFingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}
