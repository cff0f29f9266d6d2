// An SSH server impersonating a fleet of Linux hosts on loopback ports, one process for
// thousands of hosts: each host has its own port, host key and evolving state, answers the poll
// script with synthetic output (the light or the full script's sections, as its tag line asks, in
// the exec command or on stdin),
// and may be given a fault mode. For tests and benchmarks of the
// worker at a scale no machine could reach with one real sshd per host.
import net from 'node:net';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ServerChannel, Server as SshServer } from 'ssh2';
import { faultFor, garbageOutput, truncateOutput } from './fault-mode.ts';
import type { FaultMode } from './fault-mode.ts';
import { renderPollOutput } from './render-poll-output.ts';
import { requestedScriptKind, SCRIPT_TAG_WINDOW, taggedScriptKind } from './requested-script-kind.ts';
import type { PollScriptKind } from '../collect/poll-script.ts';
import { hashSeed, seededRandom } from './seeded-random.ts';
import type { Random } from './seeded-random.ts';
import { advanceHostState, createHostState, rebootHostState } from './simulated-host-state.ts';
import type { SimulatedHostState } from './simulated-host-state.ts';
import { DEFAULT_SIMULATOR_CACHE_DIR, loadClientKey, loadHostKeys } from './simulator-keys.ts';
import type { ClientKey } from './simulator-keys.ts';

const { Server, utils } = ssh2;

/** How the worker's wrapped script ends (script-delivery.ts): a client that never sends EOF is answered here. */
const WRAPPED_SCRIPT_END = '} </dev/null\n';

export interface HostSimulatorOptions {
  hosts: number;
  /** Host i listens on basePort + i. 0 (the default): every host on a free port the system picks. */
  basePort?: number;
  /** Loopback address to listen on. */
  address?: string;
  /** Hosts are named prefix + a zero-padded number from 1: "sim-0001". */
  namePrefix?: string;
  user?: string;
  password?: string;
  faults?: Readonly<Record<string, FaultMode>>;
  /** Share (0-1) of the hosts not named in `faults` that get a fault drawn from `faultModes`. */
  faultFraction?: number;
  faultModes?: readonly FaultMode[];
  /** How long a 'slow' host takes to answer a poll. */
  slowDelayMs?: number;
  /** Chance, per poll, that a healthy host has just rebooted: the connection drops, uptime restarts. */
  rebootChance?: number;
  seed?: number;
  /** Where the generated keys are cached. */
  cacheDir?: string;
}

export interface SimulatedHost {
  name: string;
  address: string;
  port: number;
  fault: FaultMode | null;
  /** authorized_keys form of the key the host presents first. */
  hostPublicKey: string;
}

export interface SimulatorStats {
  /** TCP connections accepted. */
  connections: number;
  /** SSH logins that succeeded. */
  logins: number;
  authFailures: number;
  /** Poll script runs answered with output (healthy, slow, garbage, truncated, drop). */
  polls: number;
  /** Of those, the runs of the light script (the rest ran the full one). */
  lightPolls: number;
  reboots: number;
}

export interface HostSimulator {
  readonly hosts: readonly SimulatedHost[];
  readonly user: string;
  readonly password: string;
  /** The key every simulated host accepts for `user`. */
  readonly clientKey: ClientKey;
  stats(): SimulatorStats;
  /** The host's current state, for tests that compare what the worker measured with what the host did. */
  stateOf(name: string): SimulatedHostState;
  /** The host reboots now: its connections drop and its uptime and counters restart. */
  reboot(name: string): void;
  close(): Promise<void>;
}

interface HostRuntime {
  host: SimulatedHost;
  state: SimulatedHostState;
  random: Random;
  /** Private host keys: the one presented first, then (changed-host-key) the one after. */
  hostKeys: string[];
  sshServers: Map<number, SshServer>;
  connectionsSeen: number;
  listener: net.Server;
  /** Open sockets by "remoteAddress:remotePort", to find an SSH connection's socket. */
  sockets: Map<string, net.Socket>;
  timers: Set<NodeJS.Timeout>;
}

export async function startHostSimulator(options: HostSimulatorOptions): Promise<HostSimulator> {
  const count = options.hosts;
  if (!Number.isInteger(count) || count < 1) throw new Error(`hosts must be a positive integer, got ${count}`);
  const address = options.address ?? '127.0.0.1';
  const basePort = options.basePort ?? 0;
  const prefix = options.namePrefix ?? 'sim-';
  const user = options.user ?? 'vigil';
  const password = options.password ?? 'vigil';
  const seed = options.seed ?? 1;
  const slowDelayMs = options.slowDelayMs ?? 3000;
  const rebootChance = options.rebootChance ?? 0.0005;
  const cacheDir = options.cacheDir ?? DEFAULT_SIMULATOR_CACHE_DIR;
  const clientKey = await loadClientKey(cacheDir);
  const clientParsed = utils.parseKey(clientKey.publicKey);
  if (clientParsed instanceof Error) throw clientParsed;
  const clientPublicBlob = clientParsed.getPublicSSH();
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(Math.max(4, String(count).length), '0')}`);
  const faults = names.map((name) => faultFor(name, { ...options, seed }));
  const extraKeys = faults.filter((f) => f === 'changed-host-key').length;
  const keys = await loadHostKeys(count + extraKeys, cacheDir);
  const stats: SimulatorStats = { connections: 0, logins: 0, authFailures: 0, polls: 0, lightPolls: 0, reboots: 0 };
  const runtimes = new Map<string, HostRuntime>();
  let closed = false;

  const now = Date.now();
  let nextExtraKey = count;
  names.forEach((name, i) => {
    const fault = faults[i] ?? null;
    const hostKeys = [keys[i] as string];
    if (fault === 'changed-host-key') hostKeys.push(keys[nextExtraKey++] as string);
    const runtime: HostRuntime = {
      host: { name, address, port: 0, fault, hostPublicKey: publicKeyOf(hostKeys[0] as string) },
      state: createHostState(name, seed, now),
      random: seededRandom(hashSeed(name, seed ^ 0xfa17)),
      hostKeys,
      sshServers: new Map(),
      connectionsSeen: 0,
      listener: net.createServer(),
      sockets: new Map(),
      timers: new Set(),
    };
    runtime.listener.on('connection', (sock) => acceptSocket(runtime, sock));
    runtimes.set(name, runtime);
  });

  const acceptSocket = (runtime: HostRuntime, sock: net.Socket): void => {
    stats.connections++;
    const id = `${sock.remoteAddress}:${sock.remotePort}`;
    runtime.sockets.set(id, sock);
    sock.on('close', () => runtime.sockets.delete(id));
    sock.on('error', () => {});
    sock.setNoDelay(true);
    if (closed) {
      sock.destroy();
      return;
    }
    if (runtime.host.fault === 'hang') return;
    const generation = Math.min(runtime.connectionsSeen++, runtime.hostKeys.length - 1);
    sshServerFor(runtime, generation).injectSocket(sock);
  };

  const sshServerFor = (runtime: HostRuntime, generation: number): SshServer => {
    let server = runtime.sshServers.get(generation);
    if (!server) {
      server = new Server({ hostKeys: [runtime.hostKeys[generation] as string], ident: 'OpenSSH_9.2p1 Debian-2+deb12u3' });
      server.on('connection', (conn: Connection, info: { ip: string; port: number }) => {
        serveConnection(runtime, conn, runtime.sockets.get(`${info.ip}:${info.port}`), generation);
      });
      runtime.sshServers.set(generation, server);
    }
    return server;
  };

  const serveConnection = (runtime: HostRuntime, conn: Connection, sock: net.Socket | undefined, generation: number): void => {
    conn.on('error', () => {});
    conn.on('authentication', (ctx: AuthContext) => {
      if (runtime.host.fault === 'wrong-password' || ctx.username !== user) {
        if (ctx.method !== 'none') stats.authFailures++;
        ctx.reject(['publickey', 'password']);
        return;
      }
      switch (ctx.method) {
        case 'password':
          if (ctx.password === password) return ctx.accept();
          stats.authFailures++;
          return ctx.reject(['publickey', 'password']);
        case 'publickey':
          if (ctx.key.algo !== clientParsed.type || !ctx.key.data.equals(clientPublicBlob)) {
            stats.authFailures++;
            return ctx.reject(['publickey', 'password']);
          }
          // Without a signature the client only asks whether this key would do.
          if (ctx.signature === undefined || clientParsed.verify(ctx.blob ?? Buffer.alloc(0), ctx.signature, ctx.hashAlgo)) return ctx.accept();
          stats.authFailures++;
          return ctx.reject(['publickey', 'password']);
        default:
          return ctx.reject(['publickey', 'password']);
      }
    });
    conn.on('ready', () => {
      stats.logins++;
      let polls = 0;
      conn.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (acceptExec, _reject, info: { command: string }) => {
          const stream = acceptExec();
          stream.on('error', () => {});
          let answered = false;
          let head = '';
          let tail = '';
          const answer = (kind: PollScriptKind): void => {
            if (answered) return;
            answered = true;
            polls++;
            answerPoll(runtime, conn, sock, stream, kind, generation === 0 && runtime.hostKeys.length > 1 && polls === 1);
          };
          // The worker's command path: the script is the exec command, and nothing comes on stdin.
          const commandKind = taggedScriptKind(info.command);
          if (commandKind !== null) {
            stream.resume();
            answer(commandKind);
            return;
          }
          stream.on('data', (chunk: Buffer) => {
            const text = chunk.toString('latin1');
            if (head.length < SCRIPT_TAG_WINDOW) head += text.slice(0, SCRIPT_TAG_WINDOW - head.length);
            tail = (tail + text).slice(-WRAPPED_SCRIPT_END.length);
            if (tail === WRAPPED_SCRIPT_END) answer(requestedScriptKind(head));
          });
          stream.on('end', () => answer(requestedScriptKind(head)));
        });
      });
    });
  };

  const answerPoll = (
    runtime: HostRuntime, conn: Connection, sock: net.Socket | undefined, stream: ServerChannel, kind: PollScriptKind, lastOnThisKey: boolean,
  ): void => {
    const fault = runtime.host.fault;
    if (fault === null && rebootChance > 0 && runtime.random() < rebootChance) {
      reboot(runtime);
      return;
    }
    const render = (): string => {
      advanceHostState(runtime.state, Date.now());
      stats.polls++;
      if (kind === 'light') stats.lightPolls++;
      return renderPollOutput(runtime.state, kind);
    };
    switch (fault) {
      case 'slow': {
        const timer = setTimeout(() => {
          runtime.timers.delete(timer);
          if (!stream.destroyed && !closed) finish(stream, render());
        }, slowDelayMs);
        runtime.timers.add(timer);
        return;
      }
      case 'garbage':
        stats.polls++;
        stream.write(garbageOutput(runtime.random));
        stream.exit(0);
        stream.end();
        return;
      case 'truncated':
        // Ended without an exit status, like a shell killed part-way through.
        stream.end(truncateOutput(render(), runtime.random));
        return;
      case 'drop': {
        const output = render();
        stream.write(output.slice(0, Math.floor(output.length / 2)));
        // After the write has gone out, so the client sees part of the output and then the loss.
        setImmediate(() => (sock ? sock.destroy() : conn.end()));
        return;
      }
      default:
        finish(stream, render());
        // changed-host-key: the host is "reinstalled" after its first poll; the client's next
        // connection meets the new key.
        if (lastOnThisKey) setImmediate(() => conn.end());
    }
  };

  const reboot = (runtime: HostRuntime): void => {
    stats.reboots++;
    rebootHostState(runtime.state, Date.now());
    for (const sock of runtime.sockets.values()) sock.destroy();
  };

  try {
    await Promise.all([...runtimes.values()].map((runtime, i) => listen(runtime, address, basePort === 0 ? 0 : basePort + i)));
  } catch (err) {
    closed = true;
    await Promise.all([...runtimes.values()].map((runtime) => closeRuntime(runtime)));
    throw err;
  }

  return {
    hosts: [...runtimes.values()].map((r) => r.host),
    user,
    password,
    clientKey,
    stats: () => ({ ...stats }),
    stateOf: (name) => runtimeOf(runtimes, name).state,
    reboot: (name) => reboot(runtimeOf(runtimes, name)),
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...runtimes.values()].map((runtime) => closeRuntime(runtime)));
    },
  };
}

function finish(stream: ServerChannel, output: string): void {
  stream.write(output);
  stream.exit(0);
  stream.end();
}

function runtimeOf(runtimes: Map<string, HostRuntime>, name: string): HostRuntime {
  const runtime = runtimes.get(name);
  if (!runtime) throw new Error(`no simulated host named ${name}`);
  return runtime;
}

function listen(runtime: HostRuntime, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`simulated host ${runtime.host.name} cannot listen on ${address}:${port}: ${err.message}`));
    runtime.listener.once('error', onError);
    runtime.listener.listen({ host: address, port, backlog: 511 }, () => {
      runtime.listener.removeListener('error', onError);
      const bound = runtime.listener.address();
      runtime.host.port = typeof bound === 'object' && bound !== null ? bound.port : port;
      resolve();
    });
  });
}

function closeRuntime(runtime: HostRuntime): Promise<void> {
  for (const timer of runtime.timers) clearTimeout(timer);
  runtime.timers.clear();
  for (const sock of runtime.sockets.values()) sock.destroy();
  if (!runtime.listener.listening) return Promise.resolve();
  return new Promise((resolve) => runtime.listener.close(() => resolve()));
}

function publicKeyOf(privateKey: string): string {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`cached simulator host key is unusable: ${parsed.message}`);
  return `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
}
