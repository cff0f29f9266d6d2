// N real OpenSSH hosts on loopback: one sshd per host (one sshd serves at most 16 listen sockets,
// and one process per host is what a fleet looks like), sharing the host key, client key, user and
// config that test/support/sshd.ts sets up for its first one.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { findFreePort, startTestSshd } from '../test/support/sshd.ts';
import type { TestSshd } from '../test/support/sshd.ts';

export interface SshdFleet {
  hosts: Array<{ port: number }>;
  user: string;
  clientKeyFile: string;
  /** The listening sshd processes; each poll's processes descend from them. */
  pids: number[];
  stop(): Promise<void>;
}

export async function startSshdFleet(count: number): Promise<SshdFleet> {
  const first: TestSshd = await startTestSshd();
  const config = (await readFile(join(first.dir, 'sshd_config'), 'utf8'))
    .split('\n')
    .filter((line) => !/^(ListenAddress|PidFile) /.test(line))
    .join('\n');
  const fleetConfig = join(first.dir, 'sshd_fleet_config');
  await writeFile(fleetConfig, config);
  const children: ChildProcess[] = [];
  const ports: number[] = [first.port];
  try {
    for (let i = 1; i < count; i++) {
      const port = await findFreePort();
      const child = spawn('/usr/sbin/sshd', [
        '-D', '-e', '-f', fleetConfig, '-o', `ListenAddress=127.0.0.1:${port}`, '-o', `PidFile=${join(first.dir, `sshd-${port}.pid`)}`,
      ], { stdio: ['ignore', 'ignore', 'ignore'] });
      children.push(child);
      ports.push(port);
    }
    await Promise.all(ports.slice(1).map((port) => waitForBanner(port)));
  } catch (err) {
    for (const child of children) child.kill('SIGTERM');
    await first.stop();
    throw err;
  }
  const firstPid = await sshdPidOnPort(first.port, first.dir);
  return {
    hosts: ports.map((port) => ({ port })),
    user: first.user,
    clientKeyFile: first.clientKeyFile,
    pids: [firstPid, ...children.map((c) => c.pid as number)],
    stop: async () => {
      await Promise.all(children.map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      })));
      await first.stop();
    },
  };
}

/** test/support/sshd.ts does not expose its sshd's pid; its PidFile does. */
async function sshdPidOnPort(port: number, dir: string): Promise<number> {
  const pid = Number((await readFile(join(dir, 'sshd.pid'), 'utf8')).trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid for the sshd on port ${port}`);
  return pid;
}

async function waitForBanner(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ host: '127.0.0.1', port });
      const done = (value: boolean): void => {
        sock.destroy();
        resolve(value);
      };
      sock.once('data', (chunk: Buffer) => done(chunk.toString('latin1').startsWith('SSH-')));
      sock.once('error', () => done(false));
      setTimeout(() => done(false), 1000).unref();
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd on 127.0.0.1:${port} did not answer within 20 s`);
}
