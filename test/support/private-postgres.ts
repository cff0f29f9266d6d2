// A PostgreSQL server of the test's own, for tests that take the database down: the machine's
// server on 5432 serves every other test at the same time and must never be touched. initdb
// into a temporary directory (as the postgres user: initdb refuses root), trust auth, loopback
// only; stop() ends it and removes the directory.
import { execFile } from 'node:child_process';
import { access, chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './private-rabbitmq.ts';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  adminUrl: string;
  port: number;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown: every connection drops, new ones are refused until start(). */
  stopServer(): Promise<void>;
  /** Starts it again and waits until it accepts connections. */
  startServer(): Promise<void>;
  /** Ends the server and removes its directory. */
  stop(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  for (const binary of ['initdb', 'pg_ctl']) {
    await access(path.join(BIN, binary)).catch(() => {
      throw new Error(`a private PostgreSQL needs ${BIN}/${binary}: apt-get install postgresql-15`);
    });
  }
  await run('id', ['-u', 'postgres']).catch(() => {
    throw new Error('a private PostgreSQL runs as the postgres user, which does not exist: apt-get install postgresql-15');
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-postgres-'));
  await chmod(dir, 0o700);
  await run('chown', ['postgres:postgres', dir]);
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const asPostgres = (binary: string, args: string[]): Promise<unknown> =>
    run('runuser', ['-u', 'postgres', '--', path.join(BIN, binary), ...args], { cwd: dir, timeout: 60_000 });
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const startServer = async (): Promise<void> => {
    await asPostgres('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    await waitFor(`private PostgreSQL on port ${port}`, 30_000, async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.end();
      return true;
    }, 200);
  };
  let running = false;
  const stop = async (): Promise<void> => {
    if (running) await asPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    running = false;
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await asPostgres('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    running = true;
    await startServer();
  } catch (error) {
    await stop();
    throw new Error(`cannot start a private PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
  return {
    adminUrl,
    port,
    createDatabase: async (name) => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stopServer: async () => {
      await asPostgres('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    },
    startServer,
    stop,
  };
}
