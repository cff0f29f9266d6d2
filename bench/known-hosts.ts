// Host key checking as a fleet grows: the worker's CPU per connection spent in the HostKeyStore
// (its key-type lookup, then the check of the presented key, as services/worker/ssh-connections.ts
// makes them), for a first contact of every host in accept-new mode (each one pinned to the pin
// file) and for a reconnect of every host after it. The baseline, measured in the same run, is the
// same with 100 hosts: a ratio near 1 means the cost per connection does not grow with the fleet.
// Also a user's known_hosts of hashed lines (ssh-keygen -H, Debian's default): each hashed line
// costs an HMAC per host looked up, as it does in OpenSSH's own client.
// Run: node --import tsx bench/known-hosts.ts [--hosts 100,1000,10000] [--hashed 1000]
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ssh2 from 'ssh2';
import { loadHostKeys } from '../lib/simulator/simulator-keys.ts';
import { HostKeyStore } from '../services/worker/host-key-store.ts';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '100,1000,10000' }, hashed: { type: 'string', default: '1000' } } });
const fleetSizes = values.hosts.split(',').map(Number);
const hashedLines = Number(values.hashed);

// The simulator's cached host keys, as their hosts present them (SSH wire format).
const keys = (await loadHostKeys(64)).map((key) => {
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) throw parsed;
  return parsed.getPublicSSH();
});
const keyOf = (i: number): Buffer => keys[i % keys.length] as Buffer;

interface Pass {
  firstContactUs: number;
  reconnectUs: number;
}

/** CPU µs per connection (both lookups) of the store, over every host once. */
async function connectAll(store: HostKeyStore, hosts: number): Promise<number> {
  const before = process.cpuUsage();
  // 64 at once, as the worker's connections overlap.
  for (let start = 0; start < hosts; start += 64) {
    await Promise.all(Array.from({ length: Math.min(64, hosts - start) }, async (_, j) => {
      const port = 10_000 + start + j;
      await store.knownKeyTypes('127.0.0.1', port);
      const verdict = await store.verify('127.0.0.1', port, keyOf(start + j));
      if (!verdict.ok) throw new Error(verdict.message);
    }));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / hosts;
}

async function pass(hosts: number, userFiles: string[]): Promise<Pass> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-known-hosts-'));
  try {
    const store = new HostKeyStore({ mode: 'accept-new', knownHostsFiles: userFiles, pinFile: join(dir, 'known_hosts') });
    const firstContactUs = await connectAll(store, hosts);
    const reconnectUs = await connectAll(store, hosts);
    return { firstContactUs, reconnectUs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function hashedUserFile(dir: string, lines: number): Promise<string> {
  const text: string[] = [];
  for (let i = 0; i < lines; i++) {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update(`[192.0.2.1]:${i}`).digest();
    text.push(`|1|${salt.toString('base64')}|${hash.toString('base64')} ssh-ed25519 ${keyOf(i).toString('base64')}`);
  }
  const file = join(dir, 'known_hosts');
  await writeFile(file, text.join('\n') + '\n');
  return file;
}

const rows: string[] = [];
const row = (what: string, hosts: number, result: Pass, base: Pass): void => {
  rows.push(`| ${what} | ${hosts} | ${result.firstContactUs.toFixed(1)} | ${result.reconnectUs.toFixed(1)} | ${(result.firstContactUs / base.firstContactUs).toFixed(2)} | ${(result.reconnectUs / base.reconnectUs).toFixed(2)} |`);
};

await pass(100, []); // warm-up: compile the paths before any figure is taken
const base = await pass(100, []);
row('pin file only', 100, base, base);
for (const hosts of fleetSizes.filter((n) => n !== 100)) row('pin file only', hosts, await pass(hosts, []), base);

const userDir = await mkdtemp(join(tmpdir(), 'vigil-bench-known-hosts-user-'));
try {
  const file = await hashedUserFile(userDir, hashedLines);
  const hashedBase = await pass(100, [file]);
  row(`+ user file of ${hashedLines} hashed lines`, 100, hashedBase, base);
  const largest = Math.max(...fleetSizes);
  if (largest !== 100) row(`+ user file of ${hashedLines} hashed lines`, largest, await pass(largest, [file]), base);
} finally {
  await rm(userDir, { recursive: true, force: true });
}

console.log(`\nhost key checking, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}; CPU µs per connection (key-type lookup + check)\n`);
console.log('| known_hosts | hosts | first contact µs | reconnect µs | first contact vs 100 hosts | reconnect vs 100 hosts |');
console.log('|---|---|---|---|---|---|');
for (const line of rows) console.log(line);
