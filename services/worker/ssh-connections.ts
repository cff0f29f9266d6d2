// One persistent SSH connection per host, reused across polls: a handshake costs far more
// than a poll, on the worker and on the monitored host alike.
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, Client as SshClient, ClientChannel } from 'ssh2';
import { connectionKey } from '../../lib/poll/host-target.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import { silentLogger } from '../../lib/log.ts';
import type { Logger } from '../../lib/log.ts';
import { classifyConnectError } from './classify-connect-error.ts';
import { PollError } from './command-runner.ts';
import type { CommandOutput, CommandRunner } from './command-runner.ts';
import { createHostKeyPins } from './host-key-pins.ts';
import type { HostKeyVerifier } from './host-key-pins.ts';

const { Client, utils } = ssh2;

const DEFAULT_KEY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
/** Far above what the poll script prints; a host that sends more is broken or hostile. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface SshConnectionsOptions {
  /** TCP connect, up to the socket being open. */
  connectTimeoutMs?: number;
  /** SSH handshake and authentication, after the TCP connect. Defaults to connectTimeoutMs. */
  handshakeTimeoutMs?: number;
  /** SSH-level keepalive, so that a dead peer or a dropped NAT entry is noticed between polls. */
  keepaliveIntervalMs?: number;
  /** A connection unused this long is closed (a host gone from the inventory). Default 10 min. */
  idleCloseMs?: number;
  verifyHostKey?: HostKeyVerifier;
  log?: Logger;
}

interface HostConnection {
  key: string;
  /** Shared by every caller while the connect is under way (single flight). */
  ready: Promise<SshClient>;
  client: SshClient | null;
  sock: net.Socket | null;
  closed: boolean;
  lastUsedAt: number;
}

export class SshConnections {
  /** How many connections were opened (TCP connect attempted); for tests and metrics. */
  connectsStarted = 0;
  private readonly byHost = new Map<string, HostConnection>();
  private readonly connectTimeoutMs: number;
  private readonly handshakeTimeoutMs: number;
  private readonly keepaliveIntervalMs: number;
  private readonly verifyHostKey: HostKeyVerifier;
  private readonly log: Logger;
  private readonly idleCloseMs: number;
  private idleSweep: NodeJS.Timeout | null = null;

  constructor(options: SshConnectionsOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? this.connectTimeoutMs;
    this.keepaliveIntervalMs = options.keepaliveIntervalMs ?? 15_000;
    this.verifyHostKey = options.verifyHostKey ?? createHostKeyPins();
    this.log = options.log ?? silentLogger;
    this.idleCloseMs = options.idleCloseMs ?? 10 * 60_000;
  }

  /** A runner bound to one host; closing it drops that host's connection. */
  runnerFor(target: HostTarget): CommandRunner {
    return {
      run: (script, timeoutMs) => this.exec(target, script, timeoutMs),
      close: () => this.drop(target.name),
    };
  }

  async exec(target: HostTarget, script: string, timeoutMs: number): Promise<CommandOutput> {
    const conn = this.connectionFor(target);
    conn.lastUsedAt = Date.now();
    const client = await conn.ready;
    try {
      return await execScript(client, script, timeoutMs, describe(target));
    } catch (err) {
      // After a timeout or a failed channel the connection's state is unknown (a wedged
      // channel, a dead peer): start the next poll on a fresh one.
      this.dropEntry(target.name, conn);
      throw err;
    }
  }

  /** Closes the host's connection, if any. */
  drop(hostName: string): void {
    const conn = this.byHost.get(hostName);
    if (conn) this.dropEntry(hostName, conn);
  }

  closeAll(): void {
    for (const [name, conn] of [...this.byHost]) this.dropEntry(name, conn);
    if (this.idleSweep) clearInterval(this.idleSweep);
    this.idleSweep = null;
  }

  /** Hosts with a connection open or opening. */
  get size(): number {
    return this.byHost.size;
  }

  private connectionFor(target: HostTarget): HostConnection {
    const key = connectionKey(target);
    const existing = this.byHost.get(target.name);
    if (existing && existing.key === key && !existing.closed) return existing;
    if (existing) this.dropEntry(target.name, existing);
    // `ready` is filled in at once: open() needs the entry itself to record its socket and client.
    const conn = { key, client: null, sock: null, closed: false, lastUsedAt: Date.now() } as Omit<HostConnection, 'ready'> as HostConnection;
    this.byHost.set(target.name, conn);
    this.startIdleSweep();
    conn.ready = this.open(target, conn);
    return conn;
  }

  private startIdleSweep(): void {
    if (this.idleSweep) return;
    this.idleSweep = setInterval(() => {
      const cutoff = Date.now() - this.idleCloseMs;
      for (const [name, conn] of [...this.byHost]) {
        if (conn.lastUsedAt < cutoff) {
          this.log.debug('closing idle ssh connection', { host: name });
          this.dropEntry(name, conn);
        }
      }
    }, Math.max(1000, this.idleCloseMs / 2));
    this.idleSweep.unref();
  }

  private dropEntry(hostName: string, conn: HostConnection): void {
    conn.closed = true;
    if (this.byHost.get(hostName) === conn) this.byHost.delete(hostName);
    closeConnection(conn);
  }

  private async open(target: HostTarget, conn: HostConnection): Promise<SshClient> {
    const label = describe(target);
    this.connectsStarted++;
    try {
      const auth = await loadAuthMethods(target, label);
      const sock = await connectTcp(target.address, target.port, this.connectTimeoutMs, label);
      conn.sock = sock;
      if (conn.closed) {
        sock.destroy();
        throw new PollError('error', `connection to ${label} was closed while it was being opened`);
      }
      const client = new Client();
      conn.client = client;
      await this.handshake(client, sock, target, auth, label, conn);
      if (conn.closed) {
        closeConnection(conn);
        throw new PollError('error', `connection to ${label} was closed while it was being opened`);
      }
      this.log.debug('ssh connected', { host: target.name, address: `${target.address}:${target.port}` });
      return client;
    } catch (err) {
      this.dropEntry(target.name, conn);
      throw err;
    }
  }

  private handshake(
    client: SshClient,
    sock: net.Socket,
    target: HostTarget,
    auth: AuthMethods,
    label: string,
    conn: HostConnection,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      let ready = false;
      let hostKeyRejected = false;
      const hostId = `[${target.address}]:${target.port}`;
      client.on('ready', () => {
        ready = true;
        resolve();
      });
      // Stays attached for the connection's whole life: ssh2 emits 'error' on a dead peer or a
      // keepalive timeout, and an 'error' without a listener would crash the worker.
      client.on('error', (err: Error & { level?: string }) => {
        if (ready) {
          this.log.debug('ssh connection error', { host: target.name, err });
          this.dropEntry(target.name, conn);
          return;
        }
        if (hostKeyRejected) {
          reject(new PollError('host-key-changed',
            `host key of ${label} differs from the one it presented earlier; refusing to connect (possible man-in-the-middle, or the host was reinstalled)`));
          return;
        }
        reject(handshakeError(err, label, target.user, auth.description, this.handshakeTimeoutMs));
      });
      client.on('close', () => {
        this.dropEntry(target.name, conn);
        if (!ready) reject(new PollError('protocol', `${label} closed the connection during the SSH handshake`));
      });
      try {
        client.connect({
          sock,
          username: target.user,
          authHandler: auth.methods,
          readyTimeout: this.handshakeTimeoutMs,
          keepaliveInterval: this.keepaliveIntervalMs,
          keepaliveCountMax: 3,
          hostVerifier: (key: Buffer) => {
            const ok = this.verifyHostKey(hostId, key);
            if (!ok) hostKeyRejected = true;
            return ok;
          },
        });
      } catch (err) {
        sock.destroy();
        reject(new PollError('error', `cannot start SSH to ${label}: ${(err as Error).message}`, { cause: err }));
      }
    });
  }
}

function describe(target: HostTarget): string {
  const where = `${target.address}:${target.port}`;
  return target.name === target.address ? where : `${target.name} (${where})`;
}

function handshakeError(err: Error & { level?: string }, label: string, user: string, tried: string, timeoutMs: number): PollError {
  const reason = classifyConnectError(err);
  let message: string;
  if (reason === 'auth-failed') message = `authentication as ${user} to ${label} failed (tried ${tried})`;
  else if (err.level === 'client-timeout') message = `SSH handshake with ${label} did not complete within ${timeoutMs} ms`;
  else message = `SSH handshake with ${label} failed: ${err.message}`;
  return new PollError(reason, message, { cause: err });
}

function connectTcp(address: string, port: number, timeoutMs: number, label: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: address, port });
    // Without it each poll pays Nagle/delayed-ACK stalls on the small SSH packets.
    sock.setNoDelay(true);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new PollError('timeout-connect', `TCP connect to ${label} did not complete within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(new PollError(classifyConnectError(err), `cannot connect to ${label}: ${err.message}`, { cause: err }));
    };
    sock.once('error', onError);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeListener('error', onError);
      resolve(sock);
    });
  });
}

interface AuthMethods {
  methods: AnyAuthMethod[];
  /** For error messages: which credentials were offered. */
  description: string;
}

async function loadAuthMethods(target: HostTarget, label: string): Promise<AuthMethods> {
  const username = target.user;
  if (target.privateKeyFile !== null) {
    const file = target.privateKeyFile;
    let key: Buffer;
    try {
      key = await readFile(file);
    } catch (err) {
      throw new PollError('auth-failed', `cannot read private key file ${file} for ${label}: ${(err as Error).message}`, { cause: err });
    }
    const parsed = utils.parseKey(key);
    if (parsed instanceof Error) {
      throw new PollError('auth-failed', `cannot use private key file ${file} for ${label}: ${parsed.message}`, { cause: parsed });
    }
    return { methods: [{ type: 'publickey', username, key }], description: `key ${file}` };
  }
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  for (const name of DEFAULT_KEY_FILES) {
    const file = join(homedir(), '.ssh', name);
    const key = await readFile(file).catch(() => null);
    // An encrypted key needs a passphrase we do not have; the agent may hold it instead.
    if (key === null || utils.parseKey(key) instanceof Error) continue;
    methods.push({ type: 'publickey', username, key });
    tried.push(`key ${file}`);
  }
  const agent = process.env['SSH_AUTH_SOCK'];
  if (agent) {
    methods.push({ type: 'agent', username, agent });
    tried.push(`agent ${agent}`);
  }
  if (methods.length === 0) {
    throw new PollError('auth-failed',
      `no SSH credentials for ${label}: no private key file in the inventory, no usable ~/.ssh/id_ed25519, id_ecdsa or id_rsa, and no SSH_AUTH_SOCK`);
  }
  return { methods, description: tried.join(', ') };
}

function execScript(client: SshClient, script: string, timeoutMs: number, label: string): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeListener('close', onClientClose);
      finish();
    };
    const timer = setTimeout(() => {
      settle(() => reject(new PollError('timeout-exec', `poll script on ${label} did not finish within ${timeoutMs} ms`)));
    }, timeoutMs);
    const onClientClose = (): void => {
      settle(() => reject(new PollError('error', `connection to ${label} closed while the poll script ran`)));
    };
    client.once('close', onClientClose);
    // The script goes in on stdin to a POSIX sh, so the login shell's flavour (bash, zsh, fish)
    // and its quoting rules do not matter.
    const onChannel = (err: Error | undefined, stream: ClientChannel): void => {
      if (err) {
        settle(() => reject(new PollError('error', `cannot start the poll script on ${label}: ${err.message}`, { cause: err })));
        return;
      }
      if (settled) {
        stream.close();
        return;
      }
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let exitCode: number | null = null;
      let received = 0;
      const collect = (into: Buffer[]) => (chunk: Buffer): void => {
        received += chunk.length;
        if (received > MAX_OUTPUT_BYTES) {
          settle(() => reject(new PollError('output-unparseable', `${label} sent more than ${MAX_OUTPUT_BYTES} bytes of poll output`)));
          return;
        }
        into.push(chunk);
      };
      stream.on('data', collect(stdout));
      stream.stderr.on('data', collect(stderr));
      stream.on('error', () => {});
      stream.on('exit', (code: unknown) => {
        exitCode = typeof code === 'number' ? code : null;
      });
      stream.on('close', () => {
        settle(() => resolve({
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          exitCode,
        }));
      });
      stream.end(wrapScript(script));
    };
    try {
      client.exec('exec /bin/sh', onChannel);
    } catch (err) {
      // ssh2 throws at once when the socket is already gone.
      settle(() => reject(new PollError('error', `cannot start the poll script on ${label}: ${(err as Error).message}`, { cause: err })));
    }
  });
}

/**
 * The shell reads a whole compound command before running it, so the braces make sh take in
 * the entire script first; the redirect then keeps its commands from eating the script as input.
 */
function wrapScript(script: string): string {
  return `LC_ALL=C; export LC_ALL\n{\n${script}\n} </dev/null\n`;
}

function closeConnection(conn: HostConnection): void {
  conn.client?.end();
  const sock = conn.sock;
  if (!sock || sock.destroyed) return;
  // end() says goodbye and waits for the peer; a wedged peer must not keep the socket
  // (and so the worker process) alive.
  setTimeout(() => sock.destroy(), 1000).unref();
}
