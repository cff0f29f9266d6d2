// A `vigil <command>` child process, as an operator runs it, with its log kept for assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths.ts';

export interface VigilProcess {
  child: ChildProcess;
  /** Everything it wrote to stderr (JSON log lines). */
  readonly log: string;
  /** Resolves with the exit code (or the signal name) once it has exited. */
  exited: Promise<number | string>;
}

export function spawnVigil(args: string[], env: Record<string, string | undefined>): VigilProcess {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/vigil.mjs'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    get log() {
      return log;
    },
    exited,
  };
}

/** Kills whatever still runs, for `after` hooks. */
export async function killAll(processes: VigilProcess[]): Promise<void> {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
}
