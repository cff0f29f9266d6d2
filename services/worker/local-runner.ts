// Runs the poll script on the worker's own machine, for hosts with ansible_connection=local.
import { spawn } from 'node:child_process';
import { PollError } from './command-runner.ts';
import type { CommandOutput, CommandRunner } from './command-runner.ts';

export function createLocalRunner(): CommandRunner {
  return {
    run: (script, timeoutMs) => runLocalScript(script, timeoutMs),
    close: () => {},
  };
}

function runLocalScript(script: string, timeoutMs: number): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    // Own process group, so that a timeout kills the commands the script started too:
    // a surviving child would hold the pipes open and the poll would never end.
    const child = spawn('/bin/sh', ['-c', script], {
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      settled = true;
      killGroup(child.pid);
      reject(new PollError('timeout-exec', `local poll script did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new PollError('error', `cannot run /bin/sh locally: ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: code,
      });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
