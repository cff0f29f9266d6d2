// One persistent SSH connection per host, reused across polls: a handshake costs far more
// than a poll, on the worker and on the monitored host alike. Bastions (ProxyJump) are
// connections too, shared by every host behind them.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from '../../lib/ssh/ssh2.ts';
import type { Client as SshClient, ClientChannel, ServerHostKeyAlgorithm } from 'ssh2';
import { connectionKey } from '../../lib/poll/host-target.ts';
import type { HostKeyChecking, HostTarget, JumpHost } from '../../lib/poll/host-target.ts';
import { silentLogger } from '../../lib/log.ts';
import type { SshConnectionCounts } from '../../lib/metrics/vigil-metrics.ts';
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

interface HostConnection extends Connection {
  /** The host as error messages name it. */
  label: string;
  /** Execs under way on it (waiting for a channel or running), failed together if the connection closes. */
  calls: Set<ExecCall>;
  /** The handshake and authentication are done: the connection takes polls. */
  established: boolean;
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
  private readonly byHost = new Map<string, HostConnection>();
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

  /**
   * A runner bound to one host; closing it drops that host's connection. `key` is the target's
   * connectionKey when the caller has it already (the worker does, for every job).
   */
  runnerFor(target: HostTarget, key?: string): CommandRunner {
    return new HostRunner(this, target, key);
  }

  async exec(target: HostTarget, script: string, timeoutMs: number, key: string = connectionKey(target)): Promise<CommandOutput> {
    this.failFastDuringBackoff(target, key);
    const conn = this.connectionFor(target, key);
    conn.lastUsedAt = Date.now();
    const client = await conn.ready;
    const deliveries = deliveriesOf(script);
    try {
      if (conn.scriptPath === 'command' && deliveries.command !== null) {
        const deadline = Date.now() + timeoutMs;
        const output = await execScript(client, conn, deliveries.command, timeoutMs);
        if (isWholePollOutput(output.stdout)) return output;
        const leftMs = deadline - Date.now();
        if (leftMs <= 0) return output;
        // Not a whole poll: the login shell may not be the POSIX one $SHELL named, or a pinned
        // forced-command wrapper may read only stdin. Once more on stdin, which always worked.
        const retry = takeLoginShellReport(await execScript(client, conn, deliveries.stdin, leftMs)).output;
        if (isWholePollOutput(retry.stdout) && conn.scriptPath === 'command') {
          conn.scriptPath = 'stdin';
          this.log.info('poll script as exec command gave no whole output; this connection sends it on stdin', {
            host: target.name, exitCode: output.exitCode, stderr: output.stderr.slice(0, 200),
          });
        }
        return retry;
      }
      const { output, loginShell } = takeLoginShellReport(await execScript(client, conn, deliveries.stdin, timeoutMs));
      if (conn.scriptPath === 'unknown' && deliveries.command !== null && isWholePollOutput(output.stdout)) {
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

  /** The pool for the metrics: hosts connected, hosts connecting, and connections started (hosts and bastions). */
  counts(): SshConnectionCounts {
    let open = 0;
    for (const conn of this.byHost.values()) if (conn.established && !conn.closed) open++;
    return { open, connecting: this.byHost.size - open, started: this.connectsStarted + this.bastionConnectsStarted };
  }

  /** Bastion connections open or opening. */
  get bastionCount(): number {
    return this.bastions.size;
  }

  /** A host whose last connect failed is not tried again until its backoff has passed. */
  private failFastDuringBackoff(target: HostTarget, key: string): void {
    const backoff = this.backoffs.get(target.name);
    if (!backoff) return;
    if (backoff.key !== key) {
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

  private connectionFor(target: HostTarget, key: string): HostConnection {
    const existing = this.byHost.get(target.name);
    if (existing && existing.key === key && !existing.closed) return existing;
    if (existing) this.dropEntry(target.name, existing);
    const hops = target.jumpHosts ?? [];
    const via = hops.length > 0 ? this.bastionFor(hops, target) : null;
    // `ready` is filled in at once: open() needs the entry itself to record its socket and client.
    const conn = {
      key, client: null, sock: null, closed: false, lastUsedAt: Date.now(), channels: createSemaphore(this.maxChannels), via, scriptPath: 'unknown',
      label: describe(target), calls: new Set(), established: false,
    } as Omit<HostConnection, 'ready'> as HostConnection;
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

  private async openHost(target: HostTarget, conn: HostConnection): Promise<SshClient> {
    const label = conn.label;
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
      // One listener for the connection's life rather than one per exec: after the handshake's own, as theirs were.
      client.on('close', () => {
        for (const call of conn.calls) call.connectionClosed();
      });
      conn.established = true;
      this.backoffs.delete(target.name);
      this.log.debug('ssh connected', { host: target.name, address: `${target.address}:${target.port}` });
      return client;
    } catch (err) {
      this.dropEntry(target.name, conn);
      const error = err instanceof PollError ? err : new PollError('error', `cannot connect to ${label}: ${String(err)}`, { cause: err });
      this.recordFailure(target, conn.key, error);
      throw error;
    }
  }

  private recordFailure(target: HostTarget, key: string, error: PollError): void {
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

function execScript(client: SshClient, conn: HostConnection, how: Delivery, timeoutMs: number): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    new ExecCall(client, conn, how, timeoutMs, resolve, reject);
  });
}

/**
 * One exec of a script on a connection, from waiting for a channel slot to the output. A class
 * with methods rather than closures: this runs for every poll, and under tsx each named closure
 * also costs a defineProperty (keepNames); its listeners are unnamed arrows or shared functions.
 */
class ExecCall {
  private settled = false;
  private releaseChannel: (() => void) | null = null;
  private attempts = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly stdout: Buffer[] = [];
  private readonly stderr: Buffer[] = [];
  private stdoutBytes = 0;
  private stderrBytes = 0;
  private exitCode: number | null = null;

  constructor(
    private readonly client: SshClient,
    private readonly conn: HostConnection,
    private readonly how: Delivery,
    private readonly timeoutMs: number,
    private readonly resolve: (output: CommandOutput) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    // The timeout covers waiting for a free channel too: a poll is late however it got late.
    this.timer = setTimeout(execTimedOut, timeoutMs, this);
    conn.calls.add(this);
    conn.channels.acquire().then((release) => this.channelSlot(release), (err: unknown) => {
      if (!this.settled) this.fail(err);
    });
  }

  connectionClosed(): void {
    if (!this.settled) this.fail(new PollError('error', `connection to ${this.conn.label} closed while the poll script ran`));
  }

  timedOut(): void {
    if (!this.settled) this.fail(new PollError('timeout-exec', `poll script on ${this.conn.label} did not finish within ${this.timeoutMs} ms`));
  }

  /** Ends the call once, whichever of output, error, timeout or a closed connection comes first. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timer);
    this.conn.calls.delete(this);
    this.releaseChannel?.();
    return true;
  }

  private fail(err: unknown): void {
    if (this.settle()) this.reject(err);
  }

  private channelSlot(release: () => void): void {
    if (this.settled) {
      release();
      return;
    }
    this.releaseChannel = release;
    this.startChannel();
  }

  // On the stdin path the login shell's flavour (bash, zsh, fish) and its quoting rules do not
  // matter; the command path is taken only where the login shell is known to run it (script-delivery.ts).
  startChannel(): void {
    if (this.settled) return;
    this.attempts++;
    try {
      this.client.exec(this.how.command, (err, stream) => this.onChannel(err, stream));
    } catch (err) {
      // ssh2 throws at once when the socket is already gone.
      if (!this.settled) this.fail(new PollError('error', `cannot start the poll script on ${this.conn.label}: ${(err as Error).message}`, { cause: err }));
    }
  }

  private onChannel(err: Error | undefined, stream: ClientChannel): void {
    // sshd frees a session slot (MaxSessions) only a moment after the channel closed, so a
    // refusal right after another poll's channel ended is worth a short retry.
    if (err && /open failed/i.test(err.message) && this.attempts < 5) {
      setTimeout(retryChannel, 50 * this.attempts, this);
      return;
    }
    if (err) {
      if (!this.settled) this.fail(new PollError('error', `cannot start the poll script on ${this.conn.label}: ${err.message}`, { cause: err }));
      return;
    }
    if (this.settled) {
      stream.close();
      return;
    }
    stream.destroy = destroyChannel;
    stream.on('data', (chunk: Buffer) => this.take(chunk, false));
    stream.stderr.on('data', (chunk: Buffer) => this.take(chunk, true));
    stream.on('error', ignoreError);
    stream.on('exit', (code: unknown) => {
      this.exitCode = typeof code === 'number' ? code : null;
    });
    stream.on('close', () => this.closed());
    if (this.how.input === null) {
      // Command path: the EOF alone, so that nothing waits for input that never comes.
      stream.end();
      return;
    }
    // The script and its EOF leave in one write: one TCP segment and one wakeup of sshd instead
    // of two (Nagle is off). ssh2 writes the EOF from a tick that end() queues, before this one.
    const sock = this.conn.sock;
    sock?.cork();
    stream.end(this.how.input);
    if (sock) process.nextTick(uncork, sock);
  }

  private take(chunk: Buffer, isStderr: boolean): void {
    const received = this.stdoutBytes + this.stderrBytes + chunk.length;
    if (received > MAX_OUTPUT_BYTES) {
      if (!this.settled) this.fail(new PollError('output-unparseable', `${this.conn.label} sent more than ${MAX_OUTPUT_BYTES} bytes of poll output`));
      return;
    }
    if (isStderr) {
      this.stderr.push(chunk);
      this.stderrBytes += chunk.length;
    } else {
      this.stdout.push(chunk);
      this.stdoutBytes += chunk.length;
    }
  }

  private closed(): void {
    if (!this.settle()) return;
    this.resolve({ stdout: decodeChunks(this.stdout, this.stdoutBytes), stderr: decodeChunks(this.stderr, this.stderrBytes), exitCode: this.exitCode });
  }
}

function execTimedOut(call: ExecCall): void {
  call.timedOut();
}

function retryChannel(call: ExecCall): void {
  call.startChannel();
}

function ignoreError(): void {}

/**
 * ssh2's Channel.destroy() less its end() of a writable side already ended. Node destroys the
 * channel once its output has ended and our EOF is out, and that second end() builds an
 * ERR_STREAM_ALREADY_FINISHED error with a full stack trace, which nothing reads: 4.6% of the
 * worker's profile samples against simulated hosts (BENCHMARKS.md). Otherwise the same: the EOF if not yet
 * sent, then the channel's close.
 */
function destroyChannel(this: ClientChannel): ClientChannel {
  if (!this.writableEnded) this.end();
  this.close();
  return this;
}

/** The chunks as one UTF-8 string, decoded once (a character may straddle two chunks); a lone chunk is not copied first. */
function decodeChunks(chunks: Buffer[], bytes: number): string {
  if (chunks.length === 1) return (chunks[0] as Buffer).toString('utf8');
  if (chunks.length === 0) return '';
  return Buffer.concat(chunks, bytes).toString('utf8');
}

/** A runner bound to one host of the pool; a class for the same reason as ExecCall (one per poll). */
class HostRunner implements CommandRunner {
  constructor(private readonly pool: SshConnections, private readonly target: HostTarget, private readonly key: string | undefined) {}

  run(script: string, timeoutMs: number): Promise<CommandOutput> {
    return this.pool.exec(this.target, script, timeoutMs, this.key);
  }

  close(): void {
    this.pool.drop(this.target.name);
  }
}

export { wrapScript } from './script-delivery.ts';

/** A script's deliveries, built and encoded once: the worker sends one of two constant scripts thousands of times a second. */
interface ScriptDeliveries {
  stdin: Delivery;
  /** Null: not a poll script, which always goes on stdin (script-delivery.ts). */
  command: Delivery | null;
}

const deliveriesByScript = new Map<string, ScriptDeliveries>();
/** Tests send scripts of their own; beyond this many the cache starts afresh. */
const MAX_CACHED_SCRIPTS = 16;

function deliveriesOf(script: string): ScriptDeliveries {
  let deliveries = deliveriesByScript.get(script);
  if (deliveries === undefined) {
    if (deliveriesByScript.size >= MAX_CACHED_SCRIPTS) deliveriesByScript.clear();
    deliveries = {
      stdin: { command: STDIN_PATH_COMMAND, input: Buffer.from(stdinPathText(script), 'utf8') },
      command: mayTakeCommandPath(script) ? { command: commandPathText(script), input: null } : null,
    };
    deliveriesByScript.set(script, deliveries);
  }
  return deliveries;
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
