import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POLL_SCRIPT, POLL_SCRIPT_VERSION } from '../../lib/collect/poll-script.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import { waitFor } from '../support/wait-for.ts';

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

void test('a host without head and df loses only what they print, silently, and still reaches @@end', () => {
  const { stdout, stderr } = runScript('/bin/sh', { PATH: '/nonexistent' });
  assert.equal(stderr, '');
  assert.ok(stdout.endsWith('@@end\n'));
  const snapshot = parsePollOutput(stdout);
  assert.deepEqual(snapshot.missing, ['uptime', 'netdev', 'loadavg', 'df', 'diskstats', 'processes', 'facts']);
  assert.equal(snapshot.memory?.totalBytes, memTotalBytesOfThisMachine());
  assert.ok(snapshot.cpuTotal);
});

void test('busybox sh with only busybox applets on PATH runs it: df falls back to -Pk', () => {
  const applets = mkdtempSync(join(tmpdir(), 'vigil-busybox-'));
  try {
    const busybox = execFileSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).trim();
    assert.ok(busybox, 'busybox is not installed (apt-get install -y busybox)');
    for (const applet of execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      symlinkSync(busybox, join(applets, applet));
    }
    const result = spawnSync(busybox, ['sh', '-c', POLL_SCRIPT], { encoding: 'utf8', env: { PATH: applets }, timeout: 30_000 });
    if (result.error) throw result.error;
    assert.equal(result.stderr, '');
    const snapshot = parsePollOutput(result.stdout);
    assert.deepEqual(snapshot.missing, []);
    assert.equal(snapshot.filesystems?.find((fs) => fs.mount === '/')?.fsType, null);
    assert.ok((snapshot.processes?.length ?? 0) > 0);
  } finally {
    rmSync(applets, { recursive: true, force: true });
  }
});

void test('without /proc/stat the script says which OS it is and nothing else', () => {
  // The script's own test for Linux is `[ ! -r /proc/stat ]`; point it at a path that does not exist.
  const script = POLL_SCRIPT.replaceAll('/proc/stat', '/nonexistent/stat');
  const result = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.stdout, `@@vigil ${POLL_SCRIPT_VERSION}\n@@os\nLinux\n@@end\n`);
  assert.equal(parsePollOutput(result.stdout).unsupportedOs, 'Linux');
});

void test('the script is a constant without anything to interpolate', () => {
  // The one ${…} is the shell's own parameter expansion, stripping the directory off a path.
  assert.deepEqual([...POLL_SCRIPT.matchAll(/\$\{[^}]*\}/g)].map((m) => m[0]), ['${vigil_path##*/}']);
  assert.doesNotMatch(POLL_SCRIPT, /\becho\b/);
});

// Regression: a command line is text any local user chooses, and the script copies every one.
void test('a real process whose command line imitates the script\'s markers and headers fakes nothing', async () => {
  const forged = '\n@@df\nFilesystem Type 1K-blocks Used Avail Inodes IUsed Mounted on\n/dev/evil ext4 1 1 0 1 1 /\n@@end\n'
    + '\n==> /proc/1/stat <==\n1 (evil) R 0 1 1 0 -1 0 0 0 0 0 999999 0 0 0 20 0 1 0 5 0 1000 0 0\n';
  const impostor = spawn('/bin/sh', ['-c', 'sleep 30; :', forged], { stdio: 'ignore' });
  try {
    await waitFor('the impostor to run', 5000, () => {
      try {
        return readFileSync(`/proc/${impostor.pid}/cmdline`, 'utf8').includes('/dev/evil') ? true : undefined;
      } catch {
        return undefined;
      }
    });
    const { stdout } = runScript('/bin/sh');
    assert.ok(stdout.includes('/dev/evil'), 'the forged text is in the output');
    const snapshot = parsePollOutput(stdout);
    assert.deepEqual(snapshot.missing, []);
    assert.equal(snapshot.filesystems?.some((fs) => fs.device === '/dev/evil'), false);
    assert.notEqual(snapshot.processes?.find((p) => p.pid === 1)?.comm, 'evil');
  } finally {
    impostor.kill('SIGKILL');
  }
});
