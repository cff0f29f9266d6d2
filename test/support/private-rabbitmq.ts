// A RabbitMQ node of the test's own, for tests that stop and restart the broker: the machine's
// broker on 5672 serves every other test at the same time and must never be touched. The node
// keeps everything (data, logs, config, Erlang cookie) in a temporary directory, listens on
// loopback only, and is stopped and removed by stop().
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);
const SBIN = '/usr/lib/rabbitmq/bin';
const BOOT_TIMEOUT_MS = 60_000;

export interface PrivateRabbitmq {
  /** amqp://guest:guest@127.0.0.1:<port> */
  url: string;
  nodeName: string;
  /** Stops the broker application (every connection drops, the node stays up). */
  stopApp(): Promise<void>;
  /** Starts it again and waits until it accepts AMQP connections. */
  startApp(): Promise<void>;
  /** Ends the node and removes its directory. */
  stop(): Promise<void>;
}

export async function startPrivateRabbitmq(): Promise<PrivateRabbitmq> {
  for (const binary of ['rabbitmq-server', 'rabbitmqctl']) {
    await access(path.join(SBIN, binary)).catch(() => {
      throw new Error(`a private RabbitMQ node needs ${SBIN}/${binary}: apt-get install rabbitmq-server`);
    });
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-rabbitmq-'));
  const [port, distPort] = [await freePort(), await freePort()];
  const nodeName = `vigil-fault-${randomBytes(4).toString('hex')}@localhost`;
  await writeFile(path.join(dir, 'rabbitmq.conf'), [
    `listeners.tcp.local = 127.0.0.1:${port}`,
    // A full disk of the shared machine must not block publishing in the middle of a test.
    'disk_free_limit.absolute = 1MB',
    '',
  ].join('\n'));
  await writeFile(path.join(dir, 'enabled_plugins'), '[rabbitmq_consistent_hash_exchange].\n');
  // Empty: the machine's rabbitmq-env.conf names the shared node, which this one must not be.
  await writeFile(path.join(dir, 'rabbitmq-env.conf'), '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Erlang keeps its cookie in $HOME: a private one, shared by this node and its rabbitmqctl.
    HOME: dir,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONF_ENV_FILE: path.join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(dir, 'log'),
    RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  // Foreground, as a child of the test: it cannot outlive a test run that dies without stop().
  const server: ChildProcess = spawn(path.join(SBIN, 'rabbitmq-server'), [], { env, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let serverLog = '';
  server.stderr?.on('data', (chunk: Buffer) => (serverLog = (serverLog + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  let stopped = false;

  const ctl = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(path.join(SBIN, 'rabbitmqctl'), ['-n', nodeName, ...args], { env, cwd: dir, timeout: 60_000 });
    return stdout;
  };
  const waitUntilAccepting = async (): Promise<void> => {
    await waitFor(`private RabbitMQ ${nodeName} to accept AMQP on port ${port}`, BOOT_TIMEOUT_MS, async () => {
      if (server.exitCode !== null) throw new Error(`rabbitmq-server exited with ${server.exitCode}: ${serverLog}`);
      const connection = await amqp.connect(url);
      await connection.close();
      return true;
    }, 250);
  };
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (server.exitCode === null && server.signalCode === null) {
      await ctl('stop').catch(() => server.kill('SIGKILL'));
      const killer = setTimeout(() => server.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilAccepting();
  } catch (error) {
    await stop();
    throw new Error(`cannot start a private RabbitMQ node: ${(error as Error).message}`, { cause: error });
  }
  return {
    url,
    nodeName,
    stopApp: async () => {
      await ctl('stop_app');
    },
    startApp: async () => {
      await ctl('start_app');
      await waitUntilAccepting();
    },
    stop,
  };
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
