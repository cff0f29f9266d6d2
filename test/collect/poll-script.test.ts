import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CPUINFO_LINE_BOUND, POLL_SCRIPT, POLL_SCRIPT_LIGHT, POLL_SCRIPT_VERSION } from '../../lib/collect/poll-script.ts';
import { FULL_POLL_SECTIONS, parsePollOutput, POLL_SECTIONS } from '../../lib/collect/parse-poll-output.ts';
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
  script = POLL_SCRIPT,
): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(shell, [...shellOptions, '-c', script], { encoding: 'utf8', env, timeout: 30_000 });
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
  assert.equal(stdout.split('\n')[0], `@@vigil ${POLL_SCRIPT_VERSION} full`);
  assert.ok(stdout.endsWith('@@end\n'));
  const snapshot = parsePollOutput(stdout);
  assert.deepEqual(snapshot.missing, []);
  assert.equal(snapshot.memory?.totalBytes, memTotalBytesOfThisMachine());
  const perCpuLines = readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l));
  assert.equal(snapshot.cpuCount, perCpuLines.length);
  assert.ok(snapshot.interfaces?.some((i) => i.name === 'lo'));
  assert.ok(snapshot.filesystems?.some((fs) => fs.mount === '/'));
  // Each interface's link state as the kernel says it (version 6), and the boot by the host's clock.
  assert.deepEqual(snapshot.interfaces?.map((i) => [i.name, i.operState]), snapshot.interfaces?.map((i) => [i.name, operStateOf(i.name)]));
  const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
  assert.equal(snapshot.hostBootTimeSec, btime);
});

function operStateOf(name: string): string {
  return readFileSync(`/sys/class/net/${name}/operstate`, 'utf8').trim();
}

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
  // Every /proc file comes through head, /proc/stat and /proc/meminfo too since version 4.
  assert.deepEqual(snapshot.missing, [...POLL_SECTIONS]);
  assert.equal(snapshot.pollShellPid !== null && snapshot.pollShellPid > 0, true);
  assert.ok(snapshot.virtualInterfaces?.includes('lo'));
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
    const light = spawnSync(busybox, ['sh', '-c', POLL_SCRIPT_LIGHT], { encoding: 'utf8', env: { PATH: applets }, timeout: 30_000 });
    assert.equal(light.stderr, '');
    assert.deepEqual(parsePollOutput(light.stdout).missing, []);
    assert.equal(parsePollOutput(light.stdout).cpuCount, snapshot.cpuCount);
    // busybox's head copies the link states too, in the light script as in the full one.
    assert.ok(parsePollOutput(light.stdout).interfaces?.every((i) => i.operState !== undefined));
  } finally {
    rmSync(applets, { recursive: true, force: true });
  }
});

void test('without /proc/stat the script says which OS it is and nothing else', () => {
  // The script's own test for Linux is `[ ! -r /proc/stat ]`; point it at a path that does not exist.
  const script = POLL_SCRIPT.replaceAll('/proc/stat', '/nonexistent/stat');
  const result = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.stdout, `@@vigil ${POLL_SCRIPT_VERSION} full\n@@os\nLinux\n@@end\n`);
  assert.equal(parsePollOutput(result.stdout).unsupportedOs, 'Linux');
});

void test('the scripts are constants without anything to interpolate', () => {
  for (const script of [POLL_SCRIPT, POLL_SCRIPT_LIGHT]) {
    // The one ${…} is the shell's own parameter expansion, stripping the directory off a path.
    const expansions = [...script.matchAll(/\$\{[^}]*\}/g)].map((m) => m[0]);
    assert.deepEqual(expansions, ['${vigil_path##*/}']);
    assert.doesNotMatch(script, /\becho\b/);
  }
});

void test('the light script collects every section but processes, facts, filesystems and failed units, and starts no process but head', () => {
  const { stdout, stderr, status } = runScript('/bin/sh', process.env, [], POLL_SCRIPT_LIGHT);
  assert.equal(status, 0);
  assert.equal(stderr, '');
  assert.equal(stdout.split('\n')[0], `@@vigil ${POLL_SCRIPT_VERSION} light`);
  const snapshot = parsePollOutput(stdout);
  assert.equal(snapshot.script, 'light');
  assert.deepEqual(snapshot.missing, [], 'what a light poll does not collect is not missing');
  assert.equal(snapshot.processes, null);
  assert.equal(snapshot.facts, null);
  assert.equal(snapshot.memory?.totalBytes, memTotalBytesOfThisMachine());
  assert.ok(snapshot.interfaces?.some((i) => i.name === 'lo'));
  assert.equal(snapshot.filesystems, null, 'df runs on full polls only');
  assert.doesNotMatch(stdout, /^@@df$/m);
  assert.ok(snapshot.disks !== null && snapshot.uptimeSec !== null && snapshot.load !== null && snapshot.pressure !== null);
  assert.ok(snapshot.cpuTotal !== null && snapshot.cpuCount !== null);
  assert.doesNotMatch(stdout, /==> \/proc\/\d+\//, 'no per-process file is read');
  assert.deepEqual(FULL_POLL_SECTIONS, ['processes', 'facts', 'df']);
  // Commands the light script may start; anything else would cost the host a process per poll.
  const commands = POLL_SCRIPT_LIGHT.split('\n').map((line) => line.trim().split(/\s+/)[0]).filter((word): word is string => word !== undefined && /^[a-z][a-z-]+$/.test(word));
  const builtins = ['printf', 'if', 'fi', 'then', 'while', 'done', 'case', 'esac', 'for', 'export', 'exit', 'uname', 'nvidia-smi'];
  assert.deepEqual([...new Set(commands.filter((c) => !builtins.includes(c)))].sort(), ['head']);
  assert.doesNotMatch(POLL_SCRIPT_LIGHT, /\bdf\b/);
  assert.match(POLL_SCRIPT, /^df -k --output=/m, 'the full script still runs df');
});

void test('the light script without head still reaches @@end, naming what head would have copied', () => {
  const { stdout, stderr } = runScript('/bin/sh', { PATH: '/nonexistent' }, [], POLL_SCRIPT_LIGHT);
  assert.equal(stderr, '');
  assert.ok(stdout.endsWith('\n@@end\n'));
  assert.deepEqual(parsePollOutput(stdout).missing, POLL_SECTIONS.filter((section) => !FULL_POLL_SECTIONS.includes(section)));
});

void test('no file but the head of cpuinfo is read by the shell, whose read costs a system call per byte', () => {
  assert.doesNotMatch(POLL_SCRIPT_LIGHT, /\bread\b/);
  assert.deepEqual([...POLL_SCRIPT.matchAll(/\bread -r\b.*\n(?:.*\n)*?done < (\S+)/g)].map((m) => m[1]), ['/proc/cpuinfo']);
});

void test('a /proc/cpuinfo that never ends costs at most the bound of lines, and the poll still ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cpuinfo-'));
  const fifo = join(dir, 'cpuinfo');
  execFileSync('mkfifo', [fifo]);
  // An endless stream of lines the loop keeps ("cpu*"), with neither a blank line nor "model name" to stop at.
  const endless = spawn('/bin/sh', ['-c', 'yes "cpu MHz : 1000.000" > "$1"', 'sh', fifo], { stdio: 'ignore' });
  try {
    const script = POLL_SCRIPT.replaceAll('/proc/cpuinfo', fifo);
    const { stdout } = await promisify(execFile)('/bin/sh', ['-c', script], { encoding: 'utf8', timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
    const cpuinfo = /^@@cpuinfo\n([\s\S]*?)^@@virtualnet$/m.exec(stdout)?.[1] ?? '';
    assert.equal(cpuinfo.split('\n').filter((line) => line === 'cpu MHz : 1000.000').length, CPUINFO_LINE_BOUND);
    assert.ok(stdout.endsWith('@@end\n'));
    assert.deepEqual(parsePollOutput(stdout).missing, []);
  } finally {
    endless.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('a /proc/stat of 300 CPUs, past the 16 kB that head was once capped at, comes through whole', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-stat-'));
  try {
    const stat = join(dir, 'stat');
    const cpuLines = Array.from({ length: 300 }, (_, i) => `cpu${i} 1234567890 12345 123456789 9876543210 123456 0 1234567 0 0 0\n`).join('');
    writeFileSync(stat, `cpu  370370367000 3703500 37037036700 2962962963000 37036800 0 370370100 0 0 0\n${cpuLines}intr ${'0 '.repeat(4000)}\nctxt 1\n`);
    const { stdout, status } = runScript('/bin/sh', process.env, [], POLL_SCRIPT_LIGHT.replaceAll('/proc/stat', stat));
    assert.equal(status, 0);
    // head names the file by the path it was given.
    const snapshot = parsePollOutput(stdout.replace(`==> ${stat} <==`, '==> /proc/stat <=='));
    assert.deepEqual(snapshot.missing, []);
    assert.equal(snapshot.cpuCount, 300);
    assert.equal(snapshot.cpuPerCore?.length, 300);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
