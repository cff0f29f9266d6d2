// Keys of the simulated fleet, generated once and cached on disk: thousands of host keys would
// otherwise cost seconds at every start, and the client key must be a file for the worker
// (ansible_ssh_private_key_file) that stays the same across runs.
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

const { utils } = ssh2;

export const DEFAULT_SIMULATOR_CACHE_DIR = join(tmpdir(), 'vigil-simulator');
const HOST_KEYS_FILE = 'host-keys-ed25519.json';
const CLIENT_KEY_FILE = 'client_ed25519';

export interface ClientKey {
  /** OpenSSH private key file, no passphrase: what a client logs in to every simulated host with. */
  file: string;
  /** authorized_keys form, "ssh-ed25519 AAAA... comment". */
  publicKey: string;
}

/** The client key pair every simulated host accepts; created on first use. */
export async function loadClientKey(cacheDir = DEFAULT_SIMULATOR_CACHE_DIR): Promise<ClientKey> {
  await mkdir(cacheDir, { recursive: true });
  const file = join(cacheDir, CLIENT_KEY_FILE);
  let text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) {
    const temp = `${file}.${process.pid}.${Date.now()}`;
    await writeFile(temp, generateUsableKey(), { mode: 0o600 });
    // link() fails if the file appeared meanwhile: two processes starting at once then agree on
    // the first one's key instead of each serving the key it generated.
    await link(temp, file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    await rm(temp, { force: true });
    text = await readFile(file, 'utf8');
  }
  const parsed = utils.parseKey(text);
  if (parsed instanceof Error) throw new Error(`simulator client key ${file} is unusable: ${parsed.message}`);
  return { file, publicKey: `${parsed.type} ${parsed.getPublicSSH().toString('base64')} vigil-simulator-client` };
}

/** `count` distinct ed25519 host keys (OpenSSH private key text); the cache grows as needed. */
export async function loadHostKeys(count: number, cacheDir = DEFAULT_SIMULATOR_CACHE_DIR): Promise<string[]> {
  await mkdir(cacheDir, { recursive: true });
  const file = join(cacheDir, HOST_KEYS_FILE);
  const cached = await readFile(file, 'utf8').then(parseKeyList, () => []);
  // A cache written before unusable keys were weeded out may hold some: replace them in place.
  const unusable = cached.filter((key) => !isUsable(key)).length;
  if (cached.length >= count && unusable === 0) return cached.slice(0, count);
  const keys = cached.map((key) => (isUsable(key) ? key : generateUsableKey()));
  while (keys.length < count) keys.push(generateUsableKey());
  // Written whole and renamed into place, so a concurrent reader never sees half a file.
  const temp = `${file}.${process.pid}.${Date.now()}`;
  await writeFile(temp, JSON.stringify(keys), { mode: 0o600 });
  await rename(temp, file);
  return keys;
}

/**
 * ssh2 1.17's generateKeyPairSync('ed25519') now and then (about 1 key in 200) writes a key its
 * own parseKey rejects as "Malformed OpenSSH private key"; such a key cannot serve as a host key.
 */
function generateUsableKey(): string {
  for (;;) {
    const key = utils.generateKeyPairSync('ed25519', { comment: 'vigil-simulator' }).private;
    if (isUsable(key)) return key;
  }
}

function isUsable(key: string): boolean {
  return !(utils.parseKey(key) instanceof Error);
}

function parseKeyList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((k) => typeof k === 'string') ? (value as string[]) : [];
  } catch {
    return [];
  }
}
