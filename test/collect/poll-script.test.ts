import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { POLL_SCRIPT, POLL_SCRIPT_VERSION } from '../../lib/collect/poll-script.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';

function memTotalBytesOfThisMachine(): number {
  const match = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  assert.ok(match?.[1], 'this machine has no MemTotal in /proc/meminfo');
  return Number(match[1]) * 1024;
}

function runScript(
  shell: string,
  env: NodeJS.ProcessEnv = process.env,
  shellOptions: string[] = [],
): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(shell, [...shellOptions, '-c', POLL_SCRIPT], { encoding: 'utf8', env, timeout: 30_000 });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

void test('/bin/sh is dash here, the shell the script must run under', () => {
  assert.match(execFileSync('readlink', ['-f', '/bin/sh'], { encoding: 'utf8' }), /dash/);
});

void test('run by /bin/sh on this machine, every section parses and matches /proc', () => {
  const { stdout, stderr, status } = runScript('/bin/sh');
  assert.equal(status, 0);
  assert.equal(stderr, '');
  assert.equal(stdout.split('\n')[0], `@@vigil ${POLL_SCRIPT_VERSION}`);
  assert.ok(stdout.endsWith('@@end\n'));
  const snapshot = parsePollOutput(stdout);
  assert.deepEqual(snapshot.missing, []);
  assert.equal(snapshot.memory?.totalBytes, memTotalBytesOfThisMachine());
  const perCpuLines = readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l));
  assert.equal(snapshot.cpuCount, perCpuLines.length);
  assert.ok(snapshot.interfaces?.some((i) => i.name === 'lo'));
  assert.ok(snapshot.filesystems?.some((fs) => fs.mount === '/'));
});

void test('the same script fed on stdin to sh -s gives the same sections', () => {
  const result = spawnSync('/bin/sh', ['-s'], { input: POLL_SCRIPT, encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw result.error;
  assert.deepEqual(parsePollOutput(result.stdout).missing, []);
});

void test('bash in POSIX mode, a common login shell, runs it too', () => {
  const { stdout, stderr } = runScript('bash', process.env, ['--posix']);
  assert.equal(stderr, '');
  assert.deepEqual(parsePollOutput(stdout).missing, []);
});

void test('a host without df loses only the df section, silently, and still reaches @@end', () => {
  const { stdout, stderr } = runScript('/bin/sh', { PATH: '/nonexistent' });
  assert.equal(stderr, '');
  assert.ok(stdout.endsWith('@@end\n'));
  assert.deepEqual(parsePollOutput(stdout).missing, ['df']);
});

void test('the script is a constant without anything to interpolate', () => {
  assert.doesNotMatch(POLL_SCRIPT, /\$\{/);
  assert.doesNotMatch(POLL_SCRIPT, /\becho\b/);
});
