// What the fleet benchmarks share: a simulated fleet (in processes of its own), a fresh database
// on the machine's PostgreSQL and a private prefix on its RabbitMQ, `vigil` services as separate
// processes, and counting what they stored. close() removes the database and the prefix.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import amqp from 'amqplib';
import pg from 'pg';
import { TOPIC_NAMES } from '../lib/bus/amqp-topology.ts';
import type { VigilDb } from '../lib/db/database.ts';
import { migrateToLatest } from '../lib/db/migrate.ts';
import { openDatabase } from '../lib/db/open-database.ts';
import { PROJECT_ROOT } from '../lib/paths.ts';

export const BENCH_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const BENCH_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** Hosts per simulator process, under the open-file limit (two sockets per host). */
const HOSTS_PER_SIMULATOR = 5000;

export interface BenchService {
  role: string;
  pid: number;
  child: ChildProcess;
  /** The last 20 kB of its log. */
  readonly log: string;
  exited: Promise<number | string>;
}

export interface BenchFleet {
  hosts: string[];
  intervalSec: number;
  databaseName: string;
  db: VigilDb;
  simulatorPids: number[];
  start(role: 'scheduler' | 'writer' | 'worker', extraEnv?: Record<string, string>): BenchService;
  /** SIGTERM, and wait for it to exit. */
  stop(service: BenchService): Promise<void>;
  /** Hosts with a poll result stored at or after `since`. */
  hostsPolledSince(since: number): Promise<number>;
  close(): Promise<void>;
}

export async function startBenchFleet(options: { hosts: number; intervalSec: number; log: (m: string) => void }): Promise<BenchFleet> {
  const { log } = options;
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-fleet-'));
  const simulators: Array<{ child: ChildProcess; exited: Promise<void> }> = [];
  const services: BenchService[] = [];
  const prefix = `vigil-bench-${randomBytes(4).toString('hex')}`;
  const databaseName = `vigil_bench_${randomBytes(4).toString('hex')}`;
  let opened: Awaited<ReturnType<typeof openDatabase>> | null = null;

  const close = async (): Promise<void> => {
    const running = services.filter((service) => service.child.exitCode === null && service.child.signalCode === null);
    // A profiled service writes its profile only when it exits by itself: ask first, then force.
    if (process.env.VIGIL_BENCH_PROFILE_DIR) {
      for (const service of running) service.child.kill('SIGTERM');
      await Promise.race([Promise.all(running.map((s) => s.exited)), new Promise((resolve) => setTimeout(resolve, 30_000))]);
    }
    for (const service of running) if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    await Promise.all(services.map((s) => s.exited));
    for (const sim of simulators) sim.child.kill('SIGTERM');
    await Promise.all(simulators.map((s) => s.exited));
    await opened?.close();
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${databaseName}' AND pid <> pg_backend_pid()`);
    await adminQuery(`DROP DATABASE IF EXISTS ${databaseName}`);
    const connection = await amqp.connect(BENCH_AMQP_URL);
    const channel = await connection.createChannel();
    await channel.deleteQueue(`${prefix}.poll.results.writer`);
    for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${prefix}.${topic}`);
    await connection.close();
    rmSync(dir, { recursive: true, force: true });
  };

  // Interrupted, it still removes its processes, database and prefix.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      close().then(() => process.exit(130), () => process.exit(1));
    });
  }
  try {
    const infos: SimulatorInfo[] = [];
    // One after the other: the first fills the host-key cache that the next ones read.
    for (let first = 0, k = 0; first < options.hosts; first += HOSTS_PER_SIMULATOR, k++) {
      const count = Math.min(HOSTS_PER_SIMULATOR, options.hosts - first);
      log(`starting simulator ${k + 1} (${count} hosts)`);
      const { info, child, exited } = await startSimulator(count, `s${k}-`);
      simulators.push({ child, exited });
      infos.push(info);
    }
    const inventory = path.join(dir, 'hosts');
    writeFileSync(inventory, infos.flatMap((info) => info.hosts.map((h) =>
      `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=${info.user} ansible_ssh_private_key_file=${info.clientKeyFile} vigil_interval=${options.intervalSec}`,
    )).join('\n') + '\n');
    await adminQuery(`CREATE DATABASE ${databaseName}`);
    const databaseUrl = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
    const env: Record<string, string> = {
      VIGIL_DATABASE_URL: databaseUrl,
      VIGIL_AMQP_URL: BENCH_AMQP_URL,
      VIGIL_AMQP_PREFIX: prefix,
      VIGIL_INVENTORY: inventory,
      VIGIL_DATA_DIR: dir,
      VIGIL_METRICS_PORT: '0',
      VIGIL_LOG_LEVEL: 'warn',
    };
    // The writer migrates before the others start, so that they do not race on an empty schema.
    const migrator = await openDatabase({ url: databaseUrl });
    opened = migrator;
    await migrateToLatest(migrator.db);

    return {
      hosts: infos.flatMap((info) => info.hosts.map((h) => h.name)),
      intervalSec: options.intervalSec,
      databaseName,
      db: migrator.db,
      simulatorPids: infos.map((info) => info.pid),
      start: (role, extraEnv = {}) => {
        const service = spawnService(role, { ...env, ...extraEnv });
        services.push(service);
        return service;
      },
      stop: async (service) => {
        service.child.kill('SIGTERM');
        await service.exited;
      },
      hostsPolledSince: async (since) => {
        const row = await migrator.db.selectFrom('hosts').select((eb) => eb.fn.countAll<number>().as('n')).where('last_poll_at', '>=', new Date(since)).executeTakeFirst();
        return Number(row?.n ?? 0);
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

interface SimulatorInfo {
  pid: number;
  user: string;
  clientKeyFile: string;
  hosts: Array<{ name: string; address: string; port: number }>;
}

function startSimulator(count: number, namePrefix: string): Promise<{ info: SimulatorInfo; child: ChildProcess; exited: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench/fleet-simulator.ts'), '--hosts', String(count), '--name-prefix', namePrefix], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.on('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code} at start`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ info: JSON.parse(line) as SimulatorInfo, child, exited }));
  });
}

function spawnService(role: string, env: Record<string, string>): BenchService {
  // VIGIL_BENCH_PROFILE_DIR: each service writes a V8 CPU profile there when it stops (node refuses
  // --cpu-prof in NODE_OPTIONS, so it goes on the command line).
  const profileDir = process.env.VIGIL_BENCH_PROFILE_DIR;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, role)}`] : [];
  const child = spawn(process.execPath, [...nodeArgs, path.join(PROJECT_ROOT, 'bin/vigil.mjs'), role], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    role,
    pid: child.pid ?? -1,
    child,
    get log() {
      return log;
    },
    exited,
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
