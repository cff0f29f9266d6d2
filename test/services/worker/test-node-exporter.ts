// Debian's real prometheus-node-exporter on a loopback port, for the node_exporter source's tests.
// Each test starts its own; stop() ends it and start() brings it back on the same port, which
// is how the fallback tests take the exporter away and give it back.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../support/sshd.ts';
import { waitFor } from '../../support/wait-for.ts';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

export interface TestNodeExporter {
  port: number;
  url: string;
  /** Starts it (again) on the same port and waits until /metrics answers. */
  start(): Promise<void>;
  /** Stops it and waits for its exit; the port then refuses connections. */
  stop(): Promise<void>;
  /** Stops it for good and removes its temp dir. */
  close(): Promise<void>;
}

export async function startTestNodeExporter(): Promise<TestNodeExporter> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-node-exporter-'));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  let child: ChildProcess | null = null;
  let output = '';

  const start = async (): Promise<void> => {
    if (child !== null) return;
    output = '';
    const started = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, `--collector.textfile.directory=${dir}`], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = started;
    started.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000)));
    const spawnError = new Promise<Error>((resolve) => started.once('error', resolve));
    const exited = new Promise<string>((resolve) => started.once('exit', (code, signal) => resolve(`exited (${code ?? signal})`)));
    const answered = waitFor(`node_exporter on ${url}`, 20_000, async () => {
      const response = await fetch(url).catch(() => null);
      if (response === null) return undefined;
      await response.arrayBuffer();
      return response.ok ? true : undefined;
    }, 50);
    const outcome = await Promise.race([answered, spawnError, exited]);
    if (outcome !== true) {
      child = null;
      const why = outcome instanceof Error ? `${outcome.message} (apt-get install -y prometheus-node-exporter)` : outcome;
      throw new Error(`node_exporter did not start on 127.0.0.1:${port}: ${why}; stderr: ${output}`);
    }
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (running === null) return;
    child = null;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    port,
    url,
    start,
    stop,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
