import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSample } from '../../lib/collect/build-sample.ts';
import { parsePollOutput, POLL_SECTIONS } from '../../lib/collect/parse-poll-output.ts';

function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/hosts/${path}`, import.meta.url), 'utf8');
}

const capture = fixture('debian12-vm-2core/poll-output-v2-1.txt');
const busybox = fixture('busybox-1.35-debian12-vm/poll-output-v2.txt');
const v1Capture = fixture('ci-vm-2core/poll-output-1.txt');

void test('parses every section of a real version-2 capture from a 2-core VM', () => {
  const snapshot = parsePollOutput(capture);
  assert.deepEqual(snapshot.missing, []);
  assert.equal(snapshot.unsupportedOs, null);
  assert.equal(snapshot.cpuCount, 2);
  assert.equal(snapshot.cpuPerCore?.length, 2);
  assert.equal(snapshot.uptimeSec, 2128.35);
  assert.equal(snapshot.memory?.totalBytes, 24683656 * 1024);
  assert.deepEqual(snapshot.interfaces?.map((i) => i.name), ['lo', 'ifb0', 'ifb1', 'eth0']);
  assert.deepEqual(snapshot.virtualInterfaces, ['ifb0', 'ifb1', 'lo']);
  assert.deepEqual(snapshot.disks?.map((d) => d.name), ['vda']);
  const root = snapshot.filesystems?.find((fs) => fs.mount === '/');
  assert.equal(root?.fsType, 'ext4');
  assert.ok(root?.inodesUsedPct != null && root.inodesUsedPct > 0 && root.inodesUsedPct < 100);
  assert.ok(snapshot.pressure?.cpu?.some && snapshot.pressure.io?.full);
  assert.equal(snapshot.failedUnits, null, 'no systemd on this VM');
  assert.equal(snapshot.gpus, null);
  assert.deepEqual(snapshot.facts, {
    hostname: 'vm', kernel: '6.18.44-fc-v782', osName: 'Debian GNU/Linux', osVersion: '12', cpuModel: 'AMD EPYC', architecture: 'x86_64',
  });
  const processes = snapshot.processes ?? [];
  assert.ok(processes.length > 50);
  const pid1 = processes.find((p) => p.pid === 1);
  assert.equal(pid1?.ppid, 0);
  assert.ok(processes.some((p) => p.command === '[kthreadd]'), 'a kernel thread shows its comm in brackets');
  assert.ok(processes.some((p) => p.command.startsWith('postgres: 15/main: checkpointer')));
  // Commands are cleaned when first read; the snapshot still serializes with them.
  const serialized = JSON.parse(JSON.stringify(processes)) as typeof processes;
  assert.deepEqual(serialized.map((p) => p.command), processes.map((p) => p.command));
  assert.deepEqual(Object.keys(serialized[0] ?? {}).sort(), ['comm', 'command', 'cpuTicks', 'pid', 'ppid', 'rssBytes', 'startTicks', 'state']);
  assert.equal(snapshot.pollShellPid, Number(/^@@shell\n(\d+)$/m.exec(capture)?.[1]));
});

void test('a real busybox 1.35 capture: df -Pk fallback without types or inodes, everything else the same', () => {
  const snapshot = parsePollOutput(busybox);
  assert.deepEqual(snapshot.missing, []);
  const root = snapshot.filesystems?.find((fs) => fs.mount === '/');
  assert.equal(root?.fsType, null);
  assert.equal(root?.inodesUsedPct, null);
  assert.ok((snapshot.processes?.length ?? 0) > 50);
  assert.deepEqual(snapshot.disks?.map((d) => d.name), ['vda']);
  assert.equal(snapshot.facts?.osName, 'Debian GNU/Linux');
});

void test('a version-1 capture still parses the sections it has', () => {
  const snapshot = parsePollOutput(v1Capture);
  assert.deepEqual(snapshot.missing, ['diskstats', 'processes', 'facts']);
  assert.equal(snapshot.uptimeSec, 575.28);
  assert.deepEqual(snapshot.load, { load1: 5.79, load5: 1.93, load15: 0.76, runnable: 12, total: 238 });
  assert.equal(snapshot.interfaces?.[3]?.rxBytes, 262722526);
});

void test('a host that is not Linux is named, with every section missing', () => {
  const snapshot = parsePollOutput('@@vigil 2\n@@os\nFreeBSD\n@@end\n');
  assert.equal(snapshot.unsupportedOs, 'FreeBSD');
  assert.deepEqual(snapshot.missing, [...POLL_SECTIONS]);
});

void test('an empty section is null and named in missing, the others still parse', () => {
  const withoutMeminfo = capture.replace(/@@meminfo\n[\s\S]*?(?=@@cpuinfo\n)/, '@@meminfo\n');
  const snapshot = parsePollOutput(withoutMeminfo);
  assert.equal(snapshot.memory, null);
  assert.deepEqual(snapshot.missing, ['meminfo']);
  assert.equal(snapshot.cpuCount, 2);
});

void test('output cut short inside the files names what it lost, and end', () => {
  const cut = capture.slice(0, capture.indexOf('==> /proc/1/stat <=='));
  const snapshot = parsePollOutput(cut);
  assert.deepEqual(snapshot.missing, ['uptime', 'netdev', 'loadavg', 'df', 'diskstats', 'processes', 'facts', 'end']);
  assert.equal(snapshot.memory?.totalBytes, 24683656 * 1024);
});

void test('output cut at a line boundary inside df drops the incomplete df', () => {
  const cut = capture.slice(0, capture.indexOf('/dev/vda', capture.indexOf('@@df')));
  assert.deepEqual(parsePollOutput(cut).missing, ['df', 'end']);
});

void test('CRLF line endings parse the same', () => {
  const snapshot = parsePollOutput(capture.replaceAll('\n', '\r\n'));
  assert.equal(snapshot.filesystems?.find((fs) => fs.mount === '/')?.fsType, 'ext4');
  assert.equal(snapshot.cpuCount, 2);
});

void test('nothing at all, or unrelated text, misses everything', () => {
  const all = [...POLL_SECTIONS, 'end'];
  assert.deepEqual(parsePollOutput('').missing, all);
  assert.deepEqual(parsePollOutput('bash: sh: command not found\n').missing, all);
});

// Regression: any local user controls their processes' command lines, which the files section carries.
void test('a command line imitating section markers cannot end the files early or replace df', () => {
  const forged = '\n@@df\nFilesystem Type 1K-blocks Used Avail Inodes IUsed Mounted on\n/dev/evil ext4 100 100 0 10 10 /\n@@end\n';
  const attacked = capture.replace(/(==> \/proc\/1\/cmdline <==\n)/, `$1${forged}`);
  const snapshot = parsePollOutput(attacked);
  assert.deepEqual(snapshot.missing, []);
  assert.equal(snapshot.filesystems?.some((fs) => fs.device === '/dev/evil'), false);
  assert.equal(snapshot.filesystems?.find((fs) => fs.mount === '/')?.device, '/dev/vda');
});

void test('a command line imitating head headers cannot add or rewrite processes', () => {
  const pids = (parsePollOutput(capture).processes ?? []).map((p) => p.pid);
  const fakeStat = '99999999 (nginx) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0 1000 0 0';
  const forged = `x\n==> /proc/99999999/stat <==\n${fakeStat}\n\n==> /proc/99999999/cmdline <==\nnginx: master`;
  const attacked = capture.replace(/(==> \/proc\/1\/cmdline <==\n)/, `$1${forged}`);
  const snapshot = parsePollOutput(attacked);
  const processes = snapshot.processes ?? [];
  assert.deepEqual(processes.map((p) => p.pid), pids);
  assert.equal(processes.some((p) => p.command.includes('nginx')), false);
  // Unsure which command line is whose, the parser shows every process by its kernel name instead.
  assert.equal(processes.find((p) => p.pid === 1)?.command, `[${processes.find((p) => p.pid === 1)?.comm}]`);
});

void test('a file that reached head\'s byte cap loses its possibly cut last line, not its earlier ones', () => {
  const diskLine = ' 254       0 vda 1 0 8 0 1 0 8 0 0 0 0 0 0 0 0 0 0\n';
  const many = Array.from({ length: 400 }, (_, i) => diskLine.replace('vda', `vd${String.fromCharCode(97 + (i % 26))}${'x'.repeat(Math.floor(i / 26))}`)).join('');
  const capped = `${many}${' 254 0 vdzz 1 0 8'}`.slice(0, 16384);
  const attacked = capture.replace(/(==> \/proc\/diskstats <==\n)[^=]*?(\n==> )/, `$1${capped}$2`);
  const snapshot = parsePollOutput(attacked);
  assert.ok((snapshot.disks?.length ?? 0) > 100);
  assert.ok(snapshot.disks?.every((d) => d.readsCompleted === 1 && d.sectorsRead === 8));
});

/** What the light script prints on the same host: the capture without cpuinfo, per-process files, kernel files and units. */
function lightOf(text: string): string {
  const filesStart = text.indexOf('@@files\n') + '@@files\n'.length;
  const filesEnd = text.lastIndexOf('\n@@df\n');
  const kept = text.slice(filesStart, filesEnd).split(/\n(?===> )/).filter((part) => /^==> \/proc\/(uptime|net\/dev|diskstats|loadavg|pressure\/\w+) <==/.test(part));
  return `${text.slice(0, filesStart)}${kept.join('\n')}${text.slice(filesEnd)}`
    .replace(/^@@vigil 2$/m, '@@vigil 3 light')
    .replace(/@@cpuinfo\n[\s\S]*?(?=@@virtualnet\n)/, '');
}

void test('a light poll: processes and facts are not collected, which is not missing', () => {
  const snapshot = parsePollOutput(lightOf(capture));
  assert.equal(snapshot.script, 'light');
  assert.deepEqual(snapshot.missing, []);
  assert.equal(snapshot.processes, null);
  assert.equal(snapshot.facts, null);
  assert.equal(snapshot.uptimeSec, 2128.35);
  assert.deepEqual(snapshot.disks?.map((d) => d.name), ['vda']);
  assert.equal(parsePollOutput(capture).script, 'full', 'output of earlier script versions counts as full');
  // A light poll still names what it did collect and lost.
  assert.deepEqual(parsePollOutput(lightOf(capture).replace(/@@meminfo\n[\s\S]*?(?=@@virtualnet\n)/, '@@meminfo\n')).missing, ['meminfo']);
});

void test('the kind on the @@vigil line is read from the first @@vigil line only', () => {
  const twice = capture.replace(/^@@vigil 2$/m, '@@vigil 3 full\n@@vigil 3 light');
  assert.equal(parsePollOutput(twice).script, 'full');
});

/** Version-4 output: /proc/stat and /proc/meminfo come through head with the other files. */
function version4Of(text: string): string {
  const section = (name: string): string => new RegExp(`^@@${name}\\n([\\s\\S]*?)(?=^@@)`, 'm').exec(text)?.[1] ?? '';
  const files = `==> /proc/stat <==\n${section('stat')}\n==> /proc/meminfo <==\n${section('meminfo')}\n`;
  return text
    .replace(/^@@vigil 2$/m, '@@vigil 4 full')
    .replace(/^@@stat\n[\s\S]*?(?=^@@meminfo$)/m, '')
    .replace(/^@@meminfo\n[\s\S]*?(?=^@@cpuinfo$)/m, '')
    .replace('@@files\n', `@@files\n${files}`);
}

void test('version 4: CPU and memory from the files head copies, the same as from their own sections', () => {
  const v4 = version4Of(capture);
  assert.doesNotMatch(v4, /^@@(stat|meminfo)$/m);
  const before = parsePollOutput(capture);
  const after = parsePollOutput(v4);
  assert.deepEqual(after.missing, []);
  assert.deepEqual(after.cpuTotal, before.cpuTotal);
  assert.deepEqual(after.cpuPerCore, before.cpuPerCore);
  assert.deepEqual(after.memory, before.memory);
  assert.equal(after.unsupportedOs, null);
});

// Regression: version 4 raised head's cap to 64 kB so that a /proc/stat past the old 16 kB keeps every CPU.
void test('a /proc/stat longer than 16 kB (300 CPUs) keeps every CPU: only a last line without its newline is distrusted', () => {
  const cpuLines = Array.from({ length: 300 }, (_, i) => `cpu${i} 1234567890 12345 123456789 9876543210 123456 0 1234567 0 0 0\n`).join('');
  const stat = `cpu  370370367000 3703500 37037036700 2962962963000 37036800 0 370370100 0 0 0\n${cpuLines}intr 1 2 3\n`;
  assert.ok(stat.length > 16384);
  const v4 = version4Of(capture).replace(/(==> \/proc\/stat <==\n)[\s\S]*?(\n==> \/proc\/meminfo <==)/, `$1${stat}$2`);
  const snapshot = parsePollOutput(v4);
  assert.equal(snapshot.cpuCount, 300);
  assert.equal(snapshot.cpuPerCore?.length, 300);
  // Cut by the cap inside a cpu line: that line is dropped, not read as a smaller counter.
  const cut = version4Of(capture).replace(/(==> \/proc\/stat <==\n)[\s\S]*?(\n==> \/proc\/meminfo <==)/, `$1${stat.slice(0, stat.indexOf('cpu299 ') + 20)}$2`);
  const cutSnapshot = parsePollOutput(cut);
  assert.equal(cutSnapshot.cpuCount, 299);
  assert.ok(cutSnapshot.cpuPerCore?.every((times) => times.user === 1234567890));
});

/** Version 5's light output on the same host: version 4's light files, no cpuinfo, and no df (a bare newline where `\n@@df` was). */
function lightV5Of(text: string): string {
  const v4 = version4Of(text);
  const filesStart = v4.indexOf('@@files\n') + '@@files\n'.length;
  const dfStart = v4.lastIndexOf('\n@@df\n');
  const kept = v4.slice(filesStart, dfStart).split(/\n(?===> )/)
    .filter((part) => /^==> \/proc\/(uptime|stat|meminfo|net\/dev|diskstats|loadavg|pressure\/\w+) <==/.test(part));
  const afterDf = v4.slice(dfStart + 1).replace(/^@@df\n[\s\S]*?(?=^@@)/m, '');
  return `${v4.slice(0, filesStart)}${kept.join('\n')}\n${afterDf}`
    .replace(/^@@vigil 4 full$/m, '@@vigil 5 light')
    .replace(/@@cpuinfo\n[\s\S]*?(?=@@virtualnet\n)/, '');
}

void test('version 5: a light poll without df is whole, its filesystems not collected rather than missing', () => {
  const light = lightV5Of(capture);
  assert.doesNotMatch(light, /^@@(df|cpuinfo)$/m);
  const snapshot = parsePollOutput(light);
  const full = parsePollOutput(capture);
  assert.equal(snapshot.script, 'light');
  assert.deepEqual(snapshot.missing, []);
  assert.equal(snapshot.filesystems, null);
  assert.equal(snapshot.processes, null);
  assert.equal(snapshot.facts, null);
  // Everything else is what the full poll of the same moment read.
  assert.deepEqual(snapshot.cpuTotal, full.cpuTotal);
  assert.deepEqual(snapshot.memory, full.memory);
  assert.deepEqual(snapshot.interfaces, full.interfaces);
  assert.deepEqual(snapshot.disks, full.disks);
  assert.deepEqual(snapshot.pressure, full.pressure);
  assert.deepEqual(snapshot.load, full.load);
  assert.equal(snapshot.uptimeSec, full.uptimeSec);
  assert.deepEqual(snapshot.virtualInterfaces, full.virtualInterfaces);
  assert.equal(snapshot.pollShellPid, full.pollShellPid);
  // A section it did collect and lost is still missing.
  assert.deepEqual(parsePollOutput(light.replace(/(==> \/proc\/loadavg <==\n)[^\n]*\n/, '$1')).missing, ['loadavg']);
});

void test('version 5: the files of a light poll end at the next marker, GPUs after them parse', () => {
  const gpus = fixture('gpu-host-16core/nvidia-smi-query-gpu.csv');
  const snapshot = parsePollOutput(lightV5Of(capture).replace(/^@@end$/m, `@@gpu\n${gpus}@@end`));
  assert.deepEqual(snapshot.missing, []);
  assert.ok((snapshot.gpus?.length ?? 0) > 0);
  assert.deepEqual(snapshot.disks?.map((d) => d.name), ['vda']);
  // head found nothing to copy: the files are empty, the poll still whole.
  const noFiles = lightV5Of(capture).replace(/@@files\n[\s\S]*?\n(?=@@end\n)/, '@@files\n\n');
  assert.deepEqual(parsePollOutput(noFiles).missing, ['uptime', 'netdev', 'stat', 'loadavg', 'meminfo', 'diskstats']);
});

void test('version 5: a light poll cut short inside its files uses none of them, and names the end', () => {
  const light = lightV5Of(capture);
  const cut = light.slice(0, light.indexOf('==> /proc/diskstats <=='));
  assert.deepEqual(parsePollOutput(cut).missing, ['uptime', 'netdev', 'stat', 'loadavg', 'meminfo', 'diskstats', 'end']);
});

// Regression: without a df marker, only a light poll's files may end at the next marker; a full
// poll's carry command lines, which may imitate one.
void test('a full poll cut short inside the files, behind a command line imitating a marker, uses none of them', () => {
  const attacked = capture.replace(/(==> \/proc\/1\/cmdline <==\n)/, '$1\n@@end\n');
  const snapshot = parsePollOutput(attacked.slice(0, attacked.indexOf('==> /proc/2/cmdline <==')));
  assert.equal(snapshot.processes, null);
  assert.equal(snapshot.uptimeSec, null);
  assert.ok(snapshot.missing.includes('processes') && snapshot.missing.includes('df'));
});

void test('real version-5 captures: the full poll reads every section, the light one all but df, processes and facts', () => {
  const full = parsePollOutput(fixture('debian12-vm-2core-v5/poll-output-full.txt'));
  const light = parsePollOutput(fixture('debian12-vm-2core-v5/poll-output-light.txt'));
  assert.equal(full.script, 'full');
  assert.deepEqual(full.missing, []);
  assert.equal(full.filesystems?.find((fs) => fs.mount === '/')?.device, '/dev/vda');
  assert.ok((full.processes?.length ?? 0) > 50);
  assert.equal(light.script, 'light');
  assert.deepEqual(light.missing, []);
  assert.equal(light.filesystems, null);
  assert.equal(light.processes, null);
  assert.equal(light.cpuCount, 2);
  assert.deepEqual(light.disks?.map((d) => d.name), full.disks?.map((d) => d.name));
  assert.deepEqual(light.interfaces?.map((i) => i.name), full.interfaces?.map((i) => i.name));
  assert.ok(light.uptimeSec !== null && full.uptimeSec !== null && light.uptimeSec - full.uptimeSec >= 2);
  assert.ok(light.pressure?.io?.full);
});

/** A full poll's output with only the given head files, each "==> path <==" and its content, as head prints them. */
function fullPollOfFiles(files: [string, string][]): string {
  return `@@vigil 5 full\n@@files\n${files.map(([path, content]) => `==> ${path} <==\n${content}`).join('\n')}\n@@df\n@@end\n`;
}

// Regression: command lines are matched to stats by walking both groups in glob order, not by a lookup.
void test('each process gets its own command line when some have no stat, and some no command line', () => {
  const stat = (pid: number, comm: string): string => `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 900 0 12 0 0\n`;
  // Glob (byte) order: "/proc/1/" < "/proc/10/" < "/proc/2/" < "/proc/25/" < "/proc/300/".
  const output = fullPollOfFiles([
    ['/proc/uptime', '100.00 50.00\n'],
    ['/proc/1/stat', stat(1, 'init')],
    ['/proc/10/stat', stat(10, 'ten')],
    ['/proc/2/stat', stat(2, 'two')],
    ['/proc/300/stat', stat(300, 'three')],
    ['/proc/1/cmdline', '/sbin/init\0'],
    ['/proc/2/cmdline', 'two\0--flag\0'],
    ['/proc/25/cmdline', 'gone\0'],
    ['/proc/300/cmdline', 'three\0'],
  ]);
  const processes = parsePollOutput(output).processes ?? [];
  assert.deepEqual(processes.map((p) => [p.pid, p.command]), [[1, '/sbin/init'], [10, '[ten]'], [2, 'two --flag'], [300, 'three']]);
  // A stat whose pid is not its path's is dropped, and does not take the next process's command line.
  const mismatched = parsePollOutput(output.replace('10 (ten)', '11 (ten)')).processes ?? [];
  assert.deepEqual(mismatched.map((p) => [p.pid, p.command]), [[1, '/sbin/init'], [2, 'two --flag'], [300, 'three']]);
  assert.deepEqual((parsePollOutput(output.replace('2 (two)', '02 (two)')).processes ?? []).map((p) => p.pid), [1, 10, 2, 300]);
  // "/proc/01/stat" sorts first, in order, but is not pid 1's path.
  assert.deepEqual((parsePollOutput(output.replaceAll('/proc/1/', '/proc/01/')).processes ?? []).map((p) => [p.pid, p.command]), [[10, '[ten]'], [2, 'two --flag'], [300, 'three']]);
});

// Regression: the sections around the files are read without joining them into one string, but as if they were.
void test('a line after a light poll\'s files that only looks like a marker belongs to the section before the files', () => {
  const output = '@@vigil 5 light\n@@shell\n123\n@@files\n==> /proc/uptime <==\n1.00 2.00\n@@Odd\n@@units\n@@end\n';
  const snapshot = parsePollOutput(output);
  assert.equal(snapshot.script, 'light');
  assert.equal(snapshot.uptimeSec, 1);
  assert.equal(snapshot.pollShellPid, null);
  assert.equal(parsePollOutput(output.replace('@@Odd\n', '')).pollShellPid, 123);
  assert.equal(parsePollOutput(output.replace('@@Odd\n', '').replaceAll('\n', '\r\n')).pollShellPid, 123);
});

void test('each interface gets its link state from /sys/class/net/<name>/operstate; a word the kernel does not give, or a missing file, none', () => {
  const netDev = 'Inter-|   Receive |  Transmit\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n'
    + ['lo', 'eth0', 'eth1', 'wg0', 'odd0'].map((name) => `${name.padStart(6)}: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n`).join('');
  const output = fullPollOfFiles([
    ['/proc/net/dev', netDev],
    ['/sys/class/net/eth0/operstate', 'up\n'],
    ['/sys/class/net/eth1/operstate', 'lowerlayerdown\n'],
    ['/sys/class/net/lo/operstate', 'unknown\n'],
    ['/sys/class/net/odd0/operstate', 'sideways\n'],
  ]);
  const interfaces = parsePollOutput(output).interfaces ?? [];
  assert.deepEqual(interfaces.map((i) => [i.name, i.operState ?? null]), [['lo', 'unknown'], ['eth0', 'up'], ['eth1', 'lowerlayerdown'], ['wg0', null], ['odd0', null]]);
  // Through the sample: the rates carry it, for the host page and the interface_down rule.
  const first = parsePollOutput(`${output.replace('==> /proc/net/dev', '==> /proc/uptime <==\n100.00 50.00\n\n==> /proc/net/dev')}`);
  const second = parsePollOutput(output.replace('==> /proc/net/dev', '==> /proc/uptime <==\n110.00 55.00\n\n==> /proc/net/dev').replace('eth1: 1 2', 'eth1: 5 6'));
  const rates = buildSample('h', 1_000, second, first).interfaces;
  assert.deepEqual(rates.map((i) => [i.name, i.operState ?? null]), [['lo', 'unknown'], ['eth0', 'up'], ['eth1', 'lowerlayerdown'], ['wg0', null], ['odd0', null]]);
});
