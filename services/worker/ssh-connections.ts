// One persistent SSH connection per host, reused across polls: a handshake costs far more
// than a poll, on the worker and on the monitored host alike. Bastions (ProxyJump) are
// connections too, shared by every host behind them.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client as SshClient, ClientChannel, ServerHostKeyAlgorithm } from 'ssh2';
import { connectionKey } from '../../lib/poll/host-target.ts';
import type { HostKeyChecking, HostTarget, JumpHost } from '../../lib/poll/host-target.ts';
import { silentLogger } from '../../lib/log.ts';
import type { Logger } from '../../lib/log.ts';
import { classifyConnectError, classifyForwardError } from './classify-connect-error.ts';
import { PollError } from './command-runner.ts';
import type { CommandOutput, CommandRunner } from './command-runner.ts';
import { backoffDelayMs, DEFAULT_BACKOFF } from './connect-backoff.ts';
import type { BackoffPolicy } from './connect-backoff.ts';
import { createConnectGate } from './connect-gate.ts';
import type { ConnectGate } from './connect-gate.ts';
import { HostKeyStore } from './host-key-store.ts';
import { commandPathText, isWholePollOutput, mayTakeCommandPath, scriptPathAfterProbe, STDIN_PATH_COMMAND, stdinPathText, takeLoginShellReport } from './script-delivery.ts';
import type { ScriptPath } from './script-delivery.ts';
import { createSemaphore } from './semaphore.ts';
import type { Semaphore } from './semaphore.ts';
import { hopAuthMethods, localUserName, targetAuthMethods } from './ssh-auth.ts';
import type { AuthMethods } from './ssh-auth.ts';

const { Client } = ssh2;

/** Far above what the poll script prints; a host that sends more is broken or hostile. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** ssh2's host key algorithms, in its default order. */
const HOST_KEY_ALGORITHMS: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];

export interface SshConnectionsOptions {
  /** TCP connect (or the bastion's forward to the host), up to the stream being open. */
  connectTimeoutMs?: number;
  /** SSH handshake and authentication, after the TCP connect. Defaults to connectTimeoutMs. */
  handshakeTimeoutMs?: number;
  /** SSH-level keepalive, so that a dead peer or a dropped NAT entry is noticed between polls. */
  keepaliveIntervalMs?: number;
  /** A connection unused this long is closed (a host gone from the inventory). Default 10 min. */
  idleCloseMs?: number;
  /** known_hosts checking; default accept-new with pins in memory only. */
  hostKeys?: HostKeyStore;
  /** New connections (hosts and bastions) per second across the pool. Default 25. */
  connectRatePerSec?: number;
  /** Connections that may start back to back before the rate applies. Default 10. */
  connectBurst?: number;
  /** Handshakes under way at once, below sshd's MaxStartups (10). Default 10. */
  maxConcurrentConnects?: number;
  /** Exec channels open at once on one connection, below sshd's MaxSessions (10). Default 8. */
  maxChannelsPerConnection?: number;
  backoff?: BackoffPolicy;
  /** Called as each connection starts (after the rate cap let it through); for tests and metrics. */
  onConnectStart?: (what: { host: string; bastion: boolean }) => void;
  log?: Logger;
}

interface Connection {
  key: string;
  /** Shared by every caller while the connect is under way (single flight). */
  ready: Promise<SshClient>;
  client: SshClient | null;
  sock: Duplex | null;
  closed: boolean;
  lastUsedAt: number;
  channels: Semaphore;
  /** The bastion this connection goes through, holding one reference to it. */
  via: Bastion | null;
  /** How poll scripts reach the host's shell on this connection (script-delivery.ts); learnt by its first polls. */
  scriptPath: ScriptPath;
}

interface Bastion extends Connection {
  hop: JumpHost;
  /** Connections going through this one; it closes when the last goes. */
  users: number;
}

interface Backoff {
  key: string;
  failures: number;
  until: number;
  error: PollError;
}

export class SshConnections {
  /** How many host connections were started (bastions not counted); for tests and metrics. */
  connectsStarted = 0;
  /** How many bastion connections were started. */
  bastionConnectsStarted = 0;
  private readonly byHost = new Map<string, Connection>();
  private readonly bastions = new Map<string, Bastion>();
  private readonly backoffs = new Map<string, Backoff>();
  private readonly connectTimeoutMs: number;
  private readonly handshakeTimeoutMs: number;
  private readonly keepaliveIntervalMs: number;
  private readonly hostKeys: HostKeyStore;
  private readonly gate: ConnectGate;
  private readonly maxChannels: number;
  private readonly backoffPolicy: BackoffPolicy;
  private readonly onConnectStart: SshConnectionsOptions['onConnectStart'];
  private readonly log: Logger;
  private readonly idleCloseMs: number;
  private idleSweep: NodeJS.Timeout | null = null;

  constructor(options: SshConnectionsOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? this.connectTimeoutMs;
    this.keepaliveIntervalMs = options.keepaliveIntervalMs ?? 15_000;
    this.hostKeys = options.hostKeys ?? new HostKeyStore();
    this.gate = createConnectGate({
      ratePerSec: options.connectRatePerSec ?? 25,
      burst: options.connectBurst ?? 10,
      maxConcurrent: options.maxConcurrentConnects ?? 10,
    });
    this.maxChannels = options.maxChannelsPerConnection ?? 8;
    this.backoffPolicy = options.backoff ?? DEFAULT_BACKOFF;
    this.onConnectStart = options.onConnectStart;
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
    this.failFastDuringBackoff(target);
    const conn = this.connectionFor(target);
    conn.lastUsedAt = Date.now();
    const client = await conn.ready;
    const label = describe(target);
    const run = (how: Delivery, ms: number): Promise<CommandOutput> => execScript(client, conn.sock, conn.channels, how, ms, label);
    try {
      if (conn.scriptPath === 'command' && mayTakeCommandPath(script)) {
        const deadline = Date.now() + timeoutMs;
        const output = await run(commandDelivery(script), timeoutMs);
        if (isWholePollOutput(output.stdout)) return output;
        const leftMs = deadline - Date.now();
        if (leftMs <= 0) return output;
        // Not a whole poll: the login shell may not be the POSIX one $SHELL named, or a pinned
        // forced-command wrapper may read only stdin. Once more on stdin, which always worked.
        const retry = takeLoginShellReport(await run(stdinDelivery(script), leftMs)).output;
        if (isWholePollOutput(retry.stdout) && conn.scriptPath === 'command') {
          conn.scriptPath = 'stdin';
          this.log.info('poll script as exec command gave no whole output; this connection sends it on stdin', {
            host: target.name, exitCode: output.exitCode, stderr: output.stderr.slice(0, 200),
          });
        }
        return retry;
      }
      const { output, loginShell } = takeLoginShellReport(await run(stdinDelivery(script), timeoutMs));
      if (conn.scriptPath === 'unknown' && mayTakeCommandPath(script) && isWholePollOutput(output.stdout)) {
        conn.scriptPath = scriptPathAfterProbe(loginShell);
        this.log.debug('poll script path chosen', { host: target.name, loginShell, scriptPath: conn.scriptPath });
      }
      return output;
    } catch (err) {
      // After a timeout or a failed channel the connection's state is unknown (a wedged
      // channel, a dead peer): start the next poll on a fresh one.
      this.dropEntry(target.name, conn);
      throw err;
    }
  }

  /** How poll scripts reach the host's shell on its current connection; null without one. For tests and metrics. */
  scriptPathOf(hostName: string): ScriptPath | null {
    return this.byHost.get(hostName)?.scriptPath ?? null;
  }

  /** Closes the host's connection, if any, and forgets its backoff. */
  drop(hostName: string): void {
    this.backoffs.delete(hostName);
    const conn = this.byHost.get(hostName);
    if (conn) this.dropEntry(hostName, conn);
  }

  closeAll(): void {
    for (const [name, conn] of [...this.byHost]) this.dropEntry(name, conn);
    for (const bastion of [...this.bastions.values()]) this.closeBastion(bastion);
    this.backoffs.clear();
    if (this.idleSweep) clearInterval(this.idleSweep);
    this.idleSweep = null;
  }

  /** Hosts with a connection open or opening. */
  get size(): number {
    return this.byHost.size;
  }

  /** Bastion connections open or opening. */
  get bastionCount(): number {
    return this.bastions.size;
  }

  /** A host whose last connect failed is not tried again until its backoff has passed. */
  private failFastDuringBackoff(target: HostTarget): void {
    const backoff = this.backoffs.get(target.name);
    if (!backoff) return;
    if (backoff.key !== connectionKey(target)) {
      // New address, port or user: a fresh start.
      this.backoffs.delete(target.name);
      return;
    }
    const waitMs = backoff.until - Date.now();
    if (waitMs <= 0) return;
    const seconds = Math.ceil(waitMs / 1000);
    throw new PollError(backoff.error.reason,
      `${backoff.error.message} (after ${backoff.failures} failed connect${backoff.failures === 1 ? '' : 's'}, next attempt in ${seconds} s)`);
  }

  private connectionFor(target: HostTarget): Connection {
    const key = connectionKey(target);
    const existing = this.byHost.get(target.name);
    if (existing && existing.key === key && !existing.closed) return existing;
    if (existing) this.dropEntry(target.name, existing);
    const hops = target.jumpHosts ?? [];
    const via = hops.length > 0 ? this.bastionFor(hops, target) : null;
    // `ready` is filled in at once: open() needs the entry itself to record its socket and client.
    const conn = {
      key, client: null, sock: null, closed: false, lastUsedAt: Date.now(), channels: createSemaphore(this.maxChannels), via, scriptPath: 'unknown',
    } as Omit<Connection, 'ready'> as Connection;
    this.byHost.set(target.name, conn);
    this.startIdleSweep();
    conn.ready = this.openHost(target, conn);
    return conn;
  }

  /** The shared connection to the last of `hops`, opened through the ones before it; takes a reference. */
  private bastionFor(hops: JumpHost[], target: HostTarget): Bastion {
    const key = JSON.stringify(hops);
    const existing = this.bastions.get(key);
    if (existing && !existing.closed) {
      existing.users++;
      return existing;
    }
    const hop = hops[hops.length - 1] as JumpHost;
    const via = hops.length > 1 ? this.bastionFor(hops.slice(0, -1), target) : null;
    const bastion = {
      key, hop, users: 1, client: null, sock: null, closed: false, lastUsedAt: Date.now(), channels: createSemaphore(this.maxChannels), via,
      scriptPath: 'unknown',
    } as Omit<Bastion, 'ready'> as Bastion;
    this.bastions.set(key, bastion);
    bastion.ready = this.openBastion(bastion, target);
    // Nobody may be waiting on it yet; the hosts behind it report its failure.
    bastion.ready.catch(() => {});
    return bastion;
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

  private dropEntry(hostName: string, conn: Connection): void {
    if (this.byHost.get(hostName) === conn) this.byHost.delete(hostName);
    if (conn.closed) return;
    conn.closed = true;
    closeConnection(conn);
    if (conn.via) this.releaseBastion(conn.via);
  }

  private releaseBastion(bastion: Bastion): void {
    bastion.users--;
    if (bastion.users <= 0) this.closeBastion(bastion);
  }

  private closeBastion(bastion: Bastion): void {
    if (this.bastions.get(bastion.key) === bastion) this.bastions.delete(bastion.key);
    if (bastion.closed) return;
    bastion.closed = true;
    closeConnection(bastion);
    if (bastion.via) this.releaseBastion(bastion.via);
  }

  private async openHost(target: HostTarget, conn: Connection): Promise<SshClient> {
    const label = describe(target);
    try {
      const auth = await targetAuthMethods(target, label);
      const client = await this.open(conn, {
        address: target.address,
        port: target.port,
        user: target.user,
        label,
        auth,
        hostKeyChecking: target.hostKeyChecking ?? undefined,
        onStart: () => {
          this.connectsStarted++;
          this.onConnectStart?.({ host: target.name, bastion: false });
        },
        onLost: () => this.dropEntry(target.name, conn),
      });
      this.backoffs.delete(target.name);
      this.log.debug('ssh connected', { host: target.name, address: `${target.address}:${target.port}` });
      return client;
    } catch (err) {
      this.dropEntry(target.name, conn);
      const error = err instanceof PollError ? err : new PollError('error', `cannot connect to ${label}: ${String(err)}`, { cause: err });
      this.recordFailure(target, error);
      throw error;
    }
  }

  private recordFailure(target: HostTarget, error: PollError): void {
    const key = connectionKey(target);
    const previous = this.backoffs.get(target.name);
    const failures = previous && previous.key === key ? previous.failures + 1 : 1;
    const until = Date.now() + backoffDelayMs(failures, this.backoffPolicy);
    this.backoffs.set(target.name, { key, failures, until, error });
  }

  private async openBastion(bastion: Bastion, target: HostTarget): Promise<SshClient> {
    const { hop } = bastion;
    const user = hop.user ?? localUserName();
    const label = `bastion ${user}@${hop.address}:${hop.port}`;
    try {
      const auth = await hopAuthMethods(target, user, label);
      return await this.open(bastion, {
        address: hop.address,
        port: hop.port,
        user,
        label,
        auth,
        hostKeyChecking: target.hostKeyChecking ?? undefined,
        onStart: () => {
          this.bastionConnectsStarted++;
          this.onConnectStart?.({ host: label, bastion: true });
        },
        onLost: () => this.closeBastion(bastion),
      });
    } catch (err) {
      this.closeBastion(bastion);
      throw err;
    }
  }

  /** TCP (or a forward through the bastion), then the SSH handshake, paced by the gate. */
  private async open(conn: Connection, how: OpenHow): Promise<SshClient> {
    // The bastion comes first and outside the gate: a host waiting for its bastion must not
    // hold a gate slot the bastion itself needs.
    let viaClient: SshClient | null = null;
    if (conn.via) {
      try {
        viaClient = await conn.via.ready;
      } catch (err) {
        const inner = err instanceof PollError ? err : new PollError('error', String(err));
        throw new PollError(inner.reason, `${how.label} is reached through a bastion that failed: ${inner.message}`, { cause: err });
      }
    }
    const algorithms = await this.hostKeyAlgorithms(how.address, how.port);
    const leave = await this.gate.enter();
    try {
      if (conn.closed) throw new PollError('error', `connection to ${how.label} was closed while it was being opened`);
      how.onStart();
      const sock = viaClient
        ? await forwardThrough(viaClient, how.address, how.port, this.connectTimeoutMs, how.label)
        : await connectTcp(how.address, how.port, this.connectTimeoutMs, how.label);
      conn.sock = sock;
      if (conn.closed) {
        closeConnection(conn);
        throw new PollError('error', `connection to ${how.label} was closed while it was being opened`);
      }
      const client = new Client();
      conn.client = client;
      await this.handshake(client, sock, how, algorithms);
      if (conn.closed) {
        closeConnection(conn);
        throw new PollError('error', `connection to ${how.label} was closed while it was being opened`);
      }
      return client;
    } finally {
      leave();
    }
  }

  /** Key types already on file for the host go first, as ssh does, so a known host is not "changed" by algorithm choice. */
  private async hostKeyAlgorithms(address: string, port: number): Promise<ServerHostKeyAlgorithm[]> {
    const known = await this.hostKeys.knownKeyTypes(address, port);
    const preferred = known.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
    const first = HOST_KEY_ALGORITHMS.filter((a) => preferred.includes(a));
    return [...first, ...HOST_KEY_ALGORITHMS.filter((a) => !first.includes(a))];
  }

  private handshake(client: SshClient, sock: Duplex, how: OpenHow, algorithms: ServerHostKeyAlgorithm[]): Promise<void> {
    return new Promise((resolve, reject) => {
      let ready = false;
      let hostKeyRefusal: string | null = null;
      client.on('ready', () => {
        ready = true;
        resolve();
      });
      // Stays attached for the connection's whole life: ssh2 emits 'error' on a dead peer or a
      // keepalive timeout, and an 'error' without a listener would crash the worker.
      client.on('error', (err: Error & { level?: string }) => {
        if (ready) {
          this.log.debug('ssh connection error', { connection: how.label, err });
          how.onLost();
          return;
        }
        if (hostKeyRefusal !== null) {
          reject(new PollError('host-key-changed', hostKeyRefusal));
          return;
        }
        reject(handshakeError(err, how.label, how.user, how.auth.description, this.handshakeTimeoutMs));
      });
      client.on('close', () => {
        how.onLost();
        if (!ready) {
          if (hostKeyRefusal !== null) reject(new PollError('host-key-changed', hostKeyRefusal));
          else reject(new PollError('protocol', `${how.label} closed the connection during the SSH handshake`));
        }
      });
      try {
        client.connect({
          sock: sock as net.Socket,
          username: how.user,
          authHandler: how.auth.methods,
          readyTimeout: this.handshakeTimeoutMs,
          keepaliveInterval: this.keepaliveIntervalMs,
          keepaliveCountMax: 3,
          algorithms: { serverHostKey: algorithms },
          hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
            this.hostKeys.verify(how.address, how.port, key, how.hostKeyChecking).then((verdict) => {
              if (!verdict.ok) hostKeyRefusal = verdict.message;
              verify(verdict.ok);
            }, (err: unknown) => {
              hostKeyRefusal = `cannot check the host key of ${how.label}: ${(err as Error).message}`;
              verify(false);
            });
          },
        });
      } catch (err) {
        sock.destroy();
        reject(new PollError('error', `cannot start SSH to ${how.label}: ${(err as Error).message}`, { cause: err }));
      }
    });
  }
}

interface OpenHow {
  address: string;
  port: number;
  user: string;
  label: string;
  auth: AuthMethods;
  hostKeyChecking: HostKeyChecking | undefined;
  onStart: () => void;
  /** The established connection went away (peer closed, keepalive timeout). */
  onLost: () => void;
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

/** A direct-tcpip channel from the bastion to the host: the bastion resolves and connects. */
function forwardThrough(bastion: SshClient, address: string, port: number, timeoutMs: number, label: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new PollError('timeout-connect', `the bastion's connect to ${label} did not complete within ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      bastion.forwardOut('127.0.0.1', 0, address, port, (err, stream) => {
        if (settled) {
          if (!err) stream.close();
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (err) {
          reject(new PollError(classifyForwardError(err), `the bastion cannot connect to ${label}: ${err.message}`, { cause: err }));
          return;
        }
        stream.on('error', () => {});
        resolve(stream);
      });
    } catch (err) {
      settled = true;
      clearTimeout(timer);
      reject(new PollError('error', `the bastion cannot connect to ${label}: ${(err as Error).message}`, { cause: err }));
    }
  });
}

/** What one exec sends: the exec command, and what goes on its stdin before the EOF (null: nothing). */
interface Delivery {
  command: string;
  input: Buffer | null;
}

function execScript(
  client: SshClient, sock: Duplex | null, channels: Semaphore, how: Delivery, timeoutMs: number, label: string,
): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let releaseChannel: (() => void) | null = null;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeListener('close', onClientClose);
      releaseChannel?.();
      finish();
    };
    // The timeout covers waiting for a free channel too: a poll is late however it got late.
    const timer = setTimeout(() => {
      settle(() => reject(new PollError('timeout-exec', `poll script on ${label} did not finish within ${timeoutMs} ms`)));
    }, timeoutMs);
    const onClientClose = (): void => {
      settle(() => reject(new PollError('error', `connection to ${label} closed while the poll script ran`)));
    };
    client.once('close', onClientClose);
    // On the stdin path the login shell's flavour (bash, zsh, fish) and its quoting rules do not
    // matter; the command path is taken only where the login shell is known to run it (script-delivery.ts).
    let attempts = 0;
    const startChannel = (): void => {
      if (settled) return;
      attempts++;
      try {
        client.exec(how.command, onChannel);
      } catch (err) {
        // ssh2 throws at once when the socket is already gone.
        settle(() => reject(new PollError('error', `cannot start the poll script on ${label}: ${(err as Error).message}`, { cause: err })));
      }
    };
    const onChannel = (err: Error | undefined, stream: ClientChannel): void => {
      // sshd frees a session slot (MaxSessions) only a moment after the channel closed, so a
      // refusal right after another poll's channel ended is worth a short retry.
      if (err && /open failed/i.test(err.message) && attempts < 5) {
        setTimeout(startChannel, 50 * attempts);
        return;
      }
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
      if (how.input === null) {
        // Command path: the EOF alone, so that nothing waits for input that never comes.
        stream.end();
        return;
      }
      // The script and its EOF leave in one write: one TCP segment and one wakeup of sshd instead
      // of two (Nagle is off). ssh2 writes the EOF from a tick that end() queues, before this one.
      sock?.cork();
      stream.end(how.input);
      if (sock) process.nextTick(uncork, sock);
    };
    channels.acquire().then((release) => {
      if (settled) {
        release();
        return;
      }
      releaseChannel = release;
      startChannel();
    }, (err: unknown) => settle(() => reject(err)));
  });
}

export { wrapScript } from './script-delivery.ts';

/** Deliveries built and encoded once: the worker sends one of two constant scripts thousands of times a second. */
const stdinDeliveries = new Map<string, Delivery>();
const commandDeliveries = new Map<string, Delivery>();
/** Tests send scripts of their own; beyond this many a cache starts afresh. */
const MAX_CACHED_SCRIPTS = 16;

function stdinDelivery(script: string): Delivery {
  return cached(stdinDeliveries, script, () => ({ command: STDIN_PATH_COMMAND, input: Buffer.from(stdinPathText(script), 'utf8') }));
}

function commandDelivery(script: string): Delivery {
  return cached(commandDeliveries, script, () => ({ command: commandPathText(script), input: null }));
}

function cached(cache: Map<string, Delivery>, script: string, make: () => Delivery): Delivery {
  let delivery = cache.get(script);
  if (delivery === undefined) {
    if (cache.size >= MAX_CACHED_SCRIPTS) cache.clear();
    delivery = make();
    cache.set(script, delivery);
  }
  return delivery;
}

function uncork(sock: Duplex): void {
  sock.uncork();
}

function closeConnection(conn: Connection): void {
  conn.client?.end();
  const sock = conn.sock;
  if (!sock || sock.destroyed) return;
  // end() says goodbye and waits for the peer; a wedged peer must not keep the socket
  // (and so the worker process) alive.
  setTimeout(() => sock.destroy(), 1000).unref();
}
