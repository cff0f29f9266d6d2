import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PollError } from '../../../services/worker/command-runner.ts';
import { createLocalRunner } from '../../../services/worker/local-runner.ts';

void test('runs the script in /bin/sh with LC_ALL=C and reports output and exit status', async () => {
  const runner = createLocalRunner();
  const out = await runner.run('printf "%s\\n" "$LC_ALL"; echo oops >&2; exit 3', 10_000);
  assert.equal(out.stdout, 'C\n');
  assert.equal(out.stderr, 'oops\n');
  assert.equal(out.exitCode, 3);
  runner.close();
});

void test('a script past its timeout fails with timeout-exec and its children are killed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-local-runner-'));
  try {
    const pidFile = join(dir, 'pid');
    const runner = createLocalRunner();
    await assert.rejects(
      runner.run(`sleep 60 & echo $! > ${pidFile}; wait`, 500),
      (err: unknown) => err instanceof PollError && err.reason === 'timeout-exec' && /500 ms/.test(err.message),
    );
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    assert.ok(pid > 0);
    const deadline = Date.now() + 10_000;
    while (isAlive(pid)) {
      assert.ok(Date.now() < deadline, `child ${pid} of the timed-out script is still running`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Running, as opposed to gone or a zombie waiting for a reaper that may never come (PID 1 in a container). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
