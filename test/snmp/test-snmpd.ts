// A real Net-SNMP agent (Debian's snmpd) on a free loopback UDP port for tests: its own config and
// persistent dir in a fresh temp dir, a v2c community and an SNMPv3 authPriv user. IF-MIB and the
// system group come from snmpd itself; the Printer-MIB and the Host-Resources printer rows come
// from fixtures/mib-values-agent.mjs through pass_persist, with values the test sets (and may
// change while the agent runs).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import snmp from 'net-snmp';

const SNMPD = '/usr/sbin/snmpd';
const VALUES_AGENT = fileURLToPath(new URL('./fixtures/mib-values-agent.mjs', import.meta.url));

/** One served value: [oid, snmpd pass type, value]. Types: integer, gauge, counter, counter64, timeticks, string, octet (hex bytes "80 00"), objectid. */
export type MibValue = [oid: string, type: string, value: string | number];

export const TEST_COMMUNITY = 'vigil-test-community';
export const TEST_V3_USER = 'vigiltest';
export const TEST_V3_AUTH_KEY = 'vigil-auth-key';
export const TEST_V3_PRIV_KEY = 'vigil-priv-key';
/** SHA-512 with AES-256 as Blumenthal (net-snmp's aes256b). Debian's snmpd 5.9 has no Reeder AES-256 (aes256r). */
export const TEST_V3_USER_AES256B = 'vigiltest-aes256b';

// The subtrees pass_persist serves; snmpd's own hr_device and hr_print modules are left out so
// that they do not answer for the same rows, and smux so that no instance binds TCP port 199.
const SERVED_SUBTREES = ['.1.3.6.1.2.1.43', '.1.3.6.1.2.1.25.3.2', '.1.3.6.1.2.1.25.3.5'];

export interface TestSnmpd {
  host: '127.0.0.1';
  port: number;
  /** Replaces the served Printer-MIB and Host-Resources printer values. */
  setValues(values: MibValue[]): Promise<void>;
  /** What snmpd logged so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * `port`: where to listen, e.g. the port of an agent stopped before, to play its restart; default
 * a free one. `engineIdText`: text the SNMPv3 engine ID is built from (snmpd's `engineID`), so
 * that a restart can show another engine; default snmpd's own, which a restart on this machine keeps.
 */
export async function startTestSnmpd(values: MibValue[], options: { port?: number; engineIdText?: string } = {}): Promise<TestSnmpd> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-snmpd-'));
  const valuesFile = join(dir, 'values.json');
  const setValues = async (next: MibValue[]): Promise<void> => {
    // Written whole and renamed, so that the helper never reads half a file.
    await writeFile(valuesFile + '.tmp', JSON.stringify(next));
    await rename(valuesFile + '.tmp', valuesFile);
  };
  await setValues(values);
  const config = join(dir, 'snmpd.conf');
  await writeFile(config, [
    `rocommunity ${TEST_COMMUNITY} 127.0.0.1`,
    `createUser ${TEST_V3_USER} SHA "${TEST_V3_AUTH_KEY}" AES "${TEST_V3_PRIV_KEY}"`,
    `rouser ${TEST_V3_USER} priv`,
    `createUser ${TEST_V3_USER_AES256B} SHA-512 "${TEST_V3_AUTH_KEY}" AES-256 "${TEST_V3_PRIV_KEY}"`,
    `rouser ${TEST_V3_USER_AES256B} priv`,
    ...(options.engineIdText === undefined ? [] : [`engineID ${options.engineIdText}`]),
    'sysName vigil-test-printer',
    'sysDescr Vigil test printer (Net-SNMP snmpd with Printer-MIB fixtures)',
    ...SERVED_SUBTREES.map((subtree) => `pass_persist ${subtree} ${process.execPath} ${VALUES_AGENT} ${valuesFile}`),
    '',
  ].join('\n'));

  const port = options.port ?? await findFreeUdpPort();
  const child = spawn(SNMPD, ['-f', '-Lo', '-C', '-c', config, '-I', '-hr_device,hr_print,smux', '-p', join(dir, 'snmpd.pid'), `udp:127.0.0.1:${port}`], {
    // MIBS empty: snmpd need not load (and warn about) MIB files; it answers by number.
    env: { ...process.env, SNMP_PERSISTENT_DIR: dir, MIBS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      output += `\nspawn failed: ${error.message}`;
      resolve();
    });
  });

  try {
    await waitUntilAnswering(child, port, () => output);
    await startHelpers(port);
  } catch (error) {
    await terminate(child, exited);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    setValues,
    log: () => output,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await terminate(child, exited);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilAnswering(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`test snmpd exited at startup (port ${port}): ${output().trim()}`);
    if (await answersGet(port)) return;
    if (Date.now() > deadline) throw new Error(`test snmpd did not answer on udp 127.0.0.1:${port} within 15 s: ${output().trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function answersGet(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const session = snmp.createSession('127.0.0.1', TEST_COMMUNITY, { port, version: snmp.Version2c, timeout: 300, retries: 0 });
    session.on('error', () => undefined);
    session.get(['1.3.6.1.2.1.1.3.0'], (error) => {
      session.close();
      resolve(!error);
    });
  });
}

// snmpd starts a pass_persist helper at the first request for its subtree and answers nothing
// else meanwhile: on a loaded machine starting node takes seconds, longer than a test's poll
// waits. One request per subtree here starts them all before any test polls.
async function startHelpers(port: number): Promise<void> {
  const session = snmp.createSession('127.0.0.1', TEST_COMMUNITY, { port, version: snmp.Version2c, timeout: 30_000, retries: 0 });
  session.on('error', () => undefined);
  try {
    for (const subtree of SERVED_SUBTREES) {
      await new Promise<void>((resolve, reject) => {
        session.getNext([subtree.slice(1)], (error) => (error ? reject(new Error(`test snmpd: the helper for ${subtree} did not answer: ${error.message}`)) : resolve()));
      });
    }
  } finally {
    session.close();
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(killTimer);
}

/** A UDP port on 127.0.0.1 that nothing was bound to a moment ago. */
export function findFreeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
