import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSample } from '../../lib/collect/build-sample.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import { parseNetDev } from '../../lib/collect/parse-net-dev.ts';
import { parseProcStat } from '../../lib/collect/parse-proc-stat.ts';
import { roundPercent } from '../../lib/collect/round-percent.ts';
import type { HostSnapshot, InterfaceCounters, ProcessCounters } from '../../lib/collect/sample.ts';
import { simulatedSamples } from '../../lib/simulator/simulated-samples.ts';
import { advanceHostState, createHostState } from '../../lib/simulator/simulated-host-state.ts';
import { renderPollOutput } from '../../lib/simulator/render-poll-output.ts';

function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/hosts/${path}`, import.meta.url), 'utf8');
}

function emptySnapshot(overrides: Partial<HostSnapshot>): HostSnapshot {
  return {
    script: 'full',
    cpuTotal: null,
    cpuPerCore: null,
    cpuCount: null,
    memory: null,
    load: null,
    uptimeSec: null,
    interfaces: null,
    virtualInterfaces: null,
    filesystems: null,
    disks: null,
    pressure: null,
    processes: null,
    failedUnits: null,
    gpus: null,
    facts: null,
    pollShellPid: null,
    unsupportedOs: null,
    missing: [],
    ...overrides,
  };
}

function cpuFieldsOfTotalLine(text: string): number[] {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  assert.ok(line);
  return line.trim().split(/\s+/).slice(1).map(Number);
}

/** To 0.01 of a point, as a sample keeps every percentage. */
function hundredths(pct: number): number {
  return Math.round(pct * 100) / 100;
}

const ciFirst = parsePollOutput(fixture('ci-vm-2core/poll-output-1.txt'));
const ciSecond = parsePollOutput(fixture('ci-vm-2core/poll-output-2.txt'));

void test('CPU busy % of the GPU host, computed by hand from the two /proc/stat lines', () => {
  const before = fixture('gpu-host-16core/proc-stat.txt');
  const after = fixture('gpu-host-16core/proc-stat-1s-later.txt');
  const b = cpuFieldsOfTotalLine(before);
  const a = cpuFieldsOfTotalLine(after);
  // user nice system idle iowait irq softirq steal; guest and guestNice are inside user and nice.
  const total = (f: number[]) => f.slice(0, 8).reduce((sum, v) => sum + v, 0);
  const idle = (f: number[]) => (f[3] ?? NaN) + (f[4] ?? NaN);
  const expected = ((total(a) - total(b) - (idle(a) - idle(b))) / (total(a) - total(b))) * 100;
  assert.equal(total(a) - total(b), 1603);

  const previous = emptySnapshot({ ...parseProcStat(before), uptimeSec: 33.89 });
  const current = emptySnapshot({ ...parseProcStat(after), uptimeSec: 34.89 });
  const sample = buildSample('gpu-1', 1_700_000_000_000, current, previous);
  assert.equal(sample.cpuBusyPct, hundredths(expected));
  assert.equal(sample.cpuCount, 16);
  assert.equal(sample.host, 'gpu-1');
  assert.equal(sample.ts, 1_700_000_000_000);
});

void test('two real captures of a busy 2-core VM taken 2 s apart', () => {
  const sample = buildSample('ci-vm', 1, ciSecond, ciFirst);
  // Between the captures user rose 382 and system 21 ticks while idle and iowait stood still.
  assert.equal(sample.cpuBusyPct, 100);
  assert.equal(sample.cpuCount, 2);
  assert.equal(sample.memTotalBytes, 24683656 * 1024);
  assert.equal(sample.memAvailableBytes, 23344180 * 1024);
  assert.equal(sample.memUsedPct, hundredths(((24683656 - 23344180) / 24683656) * 100));
  assert.equal(sample.swapTotalBytes, 0);
  assert.equal(sample.swapUsedBytes, 0);
  assert.deepEqual([sample.load1, sample.load5, sample.load15], [6.2, 2.08, 0.81]);
  assert.equal(sample.uptimeSec, 577.3);
  // No traffic moved on any interface between the captures.
  assert.equal(sample.netRxBytesPerSec, 0);
  assert.equal(sample.netTxBytesPerSec, 0);
  assert.deepEqual(sample.interfaces.map((i) => i.name), ['lo', 'ifb0', 'ifb1', 'eth0']);
  // devtmpfs /dev, tmpfs /dev/shm and tmpfs /sys/fs/cgroup are left out.
  assert.deepEqual(sample.filesystems.map((fs) => fs.mount), ['/']);
  assert.equal(sample.diskUsedPctMax, hundredths((23876276 / (23876276 + 82514636)) * 100));
  // Version 1 of the script, which these captures ran, printed none of these.
  assert.deepEqual(sample.missing, ['diskstats', 'processes', 'facts']);
});

void test('interface rates divide byte deltas by the host uptime delta and leave loopback out of the sums', () => {
  const before = parseNetDev(fixture('gpu-host-16core/proc-net-dev.txt'));
  assert.ok(before);
  const after: InterfaceCounters[] = before.map((iface) =>
    iface.name === 'eth0' ? { ...iface, rxBytes: iface.rxBytes + 5000, txBytes: iface.txBytes + 1000 }
    : iface.name === 'lo' ? { ...iface, rxBytes: iface.rxBytes + 999_999, txBytes: iface.txBytes + 999_999 }
    : iface,
  );
  const sample = buildSample(
    'gpu-1',
    2,
    emptySnapshot({ interfaces: after, uptimeSec: 35.89 }),
    emptySnapshot({ interfaces: before, uptimeSec: 33.89 }),
  );
  assert.equal(sample.netRxBytesPerSec, 2500);
  assert.equal(sample.netTxBytesPerSec, 500);
  const quiet = { rxPacketsPerSec: 0, txPacketsPerSec: 0, rxErrors: 0, txErrors: 0, rxDrops: 0, txDrops: 0 };
  assert.deepEqual(sample.interfaces.find((i) => i.name === 'eth0'), {
    name: 'eth0', rxBytesPerSec: 2500, txBytesPerSec: 500, ...quiet, loopback: false, virtual: false,
  });
  assert.deepEqual(sample.interfaces.find((i) => i.name === 'lo'), {
    name: 'lo', rxBytesPerSec: 999_999 / 2, txBytesPerSec: 999_999 / 2, ...quiet, loopback: true, virtual: true,
  });
});

void test('without a previous snapshot every rate is null and the levels are still there', () => {
  const sample = buildSample('ci-vm', 1, ciFirst, undefined);
  assert.equal(sample.cpuBusyPct, null);
  assert.equal(sample.netRxBytesPerSec, null);
  assert.equal(sample.netTxBytesPerSec, null);
  assert.deepEqual(sample.interfaces, []);
  assert.equal(sample.memTotalBytes, 24683656 * 1024);
  assert.equal(sample.cpuCount, 2);
});

void test('a reboot between polls (uptime went down) makes every rate null', () => {
  const rebooted: HostSnapshot = {
    ...ciSecond,
    uptimeSec: 12.5,
    // Counters restarted from zero but happen to be higher than before: only uptime tells.
    cpuTotal: ciSecond.cpuTotal && { ...ciSecond.cpuTotal, idle: ciSecond.cpuTotal.idle + 50 },
  };
  const sample = buildSample('ci-vm', 1, rebooted, ciFirst);
  assert.equal(sample.cpuBusyPct, null);
  assert.equal(sample.netRxBytesPerSec, null);
  assert.equal(sample.netTxBytesPerSec, null);
  assert.deepEqual(sample.interfaces, []);
  assert.equal(sample.uptimeSec, 12.5);
});

void test('an interface counter that went backwards gives a null rate, never a negative one', () => {
  const recreated: HostSnapshot = {
    ...ciSecond,
    interfaces: (ciSecond.interfaces ?? []).map((iface) => (iface.name === 'eth0' ? { ...iface, rxBytes: 10 } : iface)),
  };
  const sample = buildSample('ci-vm', 1, recreated, ciFirst);
  assert.equal(sample.interfaces.find((i) => i.name === 'eth0'), undefined);
  assert.deepEqual(sample.interfaces.map((i) => i.name), ['lo', 'ifb0', 'ifb1']);
  assert.equal(sample.netRxBytesPerSec, null);
  assert.equal(sample.netTxBytesPerSec, null);
});

void test('a CPU counter that went backwards, or no elapsed time, gives null rates', () => {
  const cpu = ciFirst.cpuTotal;
  assert.ok(cpu);
  const backwards = buildSample('ci-vm', 1, { ...ciSecond, cpuTotal: { ...cpu, user: cpu.user - 100 } }, ciFirst);
  assert.equal(backwards.cpuBusyPct, null);
  const sameTime = buildSample('ci-vm', 1, ciFirst, ciFirst);
  assert.equal(sameTime.cpuBusyPct, null);
  assert.equal(sameTime.netRxBytesPerSec, null);
  assert.deepEqual(sameTime.interfaces, []);
});

void test('an interface that appeared since the last poll has no rate yet and does not void the sums', () => {
  const extra: InterfaceCounters = {
    name: 'veth1', rxBytes: 1e9, rxPackets: 1, rxErrors: 0, rxDrops: 0, txBytes: 1e9, txPackets: 1, txErrors: 0, txDrops: 0,
  };
  const sample = buildSample('ci-vm', 1, { ...ciSecond, interfaces: [...(ciSecond.interfaces ?? []), extra] }, ciFirst);
  assert.equal(sample.interfaces.some((i) => i.name === 'veth1'), false);
  assert.equal(sample.netRxBytesPerSec, 0);
});

void test('missing sections carry over and leave their fields null', () => {
  const partial: HostSnapshot = { ...ciSecond, memory: null, filesystems: null, missing: ['meminfo', 'df'] };
  const sample = buildSample('ci-vm', 1, partial, ciFirst);
  assert.deepEqual(sample.missing, ['meminfo', 'df']);
  assert.equal(sample.memTotalBytes, null);
  assert.equal(sample.memUsedPct, null);
  assert.equal(sample.swapUsedBytes, null);
  assert.equal(sample.diskUsedPctMax, null);
  assert.deepEqual(sample.filesystems, []);
  assert.equal(sample.cpuBusyPct, 100);
});

const vmFirst = parsePollOutput(fixture('debian12-vm-2core/poll-output-v2-1.txt'));
const vmSecond = parsePollOutput(fixture('debian12-vm-2core/poll-output-v2-2.txt'));

void test('two real version-2 captures 2 s apart: modes, cores, disks, processes and facts', () => {
  const sample = buildSample('vm', 1_800_000_000_000, vmSecond, vmFirst, { processPatterns: ['postgres', 'nginx', '^redis-server '] });
  assert.deepEqual(sample.missing, []);
  const modes = sample.cpuModes;
  assert.ok(modes);
  const { guest, ...summed } = modes;
  assert.ok(guest >= 0);
  // Eight shares, each within 0.005 of its exact value.
  assert.ok(Math.abs(Object.values(summed).reduce((a, b) => a + b, 0) - 100) <= 0.04 + 1e-9);
  // Busy is rounded once from the exact shares, so it differs from the rounded ones by their rounding at most.
  assert.ok(Math.abs((sample.cpuBusyPct ?? NaN) - (100 - modes.idle - modes.iowait)) <= 0.015 + 1e-9);
  assert.equal(sample.perCoreBusyPct?.length, 2);
  assert.equal(sample.loadPerCore, Math.round(((sample.load1 ?? NaN) / 2) * 100) / 100, 'load per core to 0.01');
  for (const rate of [sample.netRxBytesPerSec, sample.netTxBytesPerSec, sample.diskReadBytesPerSec, sample.diskWriteBytesPerSec]) {
    assert.ok(rate !== null && rate !== undefined && Number.isInteger(rate), `a total rate in whole bytes per second: ${rate}`);
  }
  assert.equal(sample.rebooted, false);
  assert.equal(sample.bootTime, Math.round((1_800_000_000_000 - (vmSecond.uptimeSec ?? NaN) * 1000) / 1000) * 1000);
  assert.deepEqual(sample.disks?.map((d) => d.name), ['vda']);
  const elapsed = (vmSecond.uptimeSec ?? NaN) - (vmFirst.uptimeSec ?? NaN);
  const vda = (s: typeof vmFirst) => s.disks?.find((d) => d.name === 'vda');
  assert.equal(sample.disks?.[0]?.writeBytesPerSec, (((vda(vmSecond)?.sectorsWritten ?? NaN) - (vda(vmFirst)?.sectorsWritten ?? NaN)) * 512) / elapsed);
  assert.equal(sample.diskWriteBytesPerSec, Math.round(sample.disks?.[0]?.writeBytesPerSec ?? NaN), 'the total in whole bytes per second');
  assert.deepEqual(sample.interfaces.map((i) => [i.name, i.virtual, i.loopback]), [
    ['lo', true, true], ['ifb0', true, false], ['ifb1', true, false], ['eth0', false, false],
  ]);
  const processes = sample.processes;
  assert.ok(processes);
  // The glob is expanded before head starts, so of the poll's own processes only its shell is listed.
  assert.equal(processes.total, (vmSecond.processes?.length ?? 0) - 1, 'the poll shell is left out');
  assert.ok(processes.topCpu.length > 0 && processes.topCpu.length <= 10);
  assert.ok(processes.topCpu.every((p, i, all) => i === 0 || (all[i - 1]?.cpuPct ?? 0) >= p.cpuPct));
  assert.ok(processes.topCpu.every((p) => p.cpuPct > 0 && p.cpuPct <= 200));
  assert.ok(processes.topMemory.every((p, i, all) => i === 0 || (all[i - 1]?.rssBytes ?? 0) >= p.rssBytes));
  assert.deepEqual(processes.matches, [
    { pattern: 'postgres', count: 5 },
    { pattern: 'nginx', count: 0 },
    { pattern: '^redis-server ', count: 1 },
  ]);
  assert.equal(sample.facts, null, 'facts unchanged since the previous poll are not repeated');
  assert.deepEqual(buildSample('vm', 1, vmSecond, undefined).facts, {
    hostname: 'vm', kernel: '6.18.44-fc-v782', osName: 'Debian GNU/Linux', osVersion: '12', cpuModel: 'AMD EPYC', architecture: 'x86_64',
  });
});

void test('CPU % of a process is its ticks since the previous poll over all CPU ticks, times the CPU count, to 0.01 of a point', () => {
  const [first] = vmFirst.processes ?? [];
  assert.ok(first && vmFirst.cpuTotal && vmSecond.cpuTotal);
  const total = (t: NonNullable<typeof vmFirst.cpuTotal>) => t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
  const busy = { ...first, pid: 424242, ppid: 1, command: 'busy-loop', cpuTicks: first.cpuTicks + 150 };
  const before = { ...vmFirst, processes: [{ ...busy, cpuTicks: first.cpuTicks }] };
  const after = { ...vmSecond, processes: [busy] };
  const sample = buildSample('vm', 1, after, before);
  const expected = (150 / (total(vmSecond.cpuTotal) - total(vmFirst.cpuTotal))) * 2 * 100;
  assert.equal(sample.processes?.topCpu[0]?.cpuPct, roundPercent(Math.min(200, expected)));
});

void test('the top lists hold the ten highest, ties in pid order, and a pid listed twice before matches by its start time', () => {
  const [model] = vmFirst.processes ?? [];
  assert.ok(model && vmFirst.cpuTotal && vmSecond.cpuTotal);
  const before = Array.from({ length: 30 }, (_, i) => ({
    ...model, pid: 1000 + ((i * 7) % 30), ppid: 1, command: `p${i}`, state: 'S', cpuTicks: 0, startTicks: 50, rssBytes: 4096 * (1 + (i % 4)),
  }));
  const after = before.map((p, i) => ({ ...p, cpuTicks: 10 * (i % 5) }));
  // The pid reused since: its other entry, with another start time, is not this process's past.
  const twice = [...before, { ...(before[4] as ProcessCounters), startTicks: 999, cpuTicks: 1000 }];
  const sample = buildSample('vm', 1, { ...vmSecond, processes: after, pollShellPid: null }, { ...vmFirst, processes: twice, pollShellPid: null });
  const byCpu = [...after].filter((p) => p.cpuTicks > 0).sort((a, b) => b.cpuTicks - a.cpuTicks || a.pid - b.pid).slice(0, 10);
  const byMemory = [...after].sort((a, b) => b.rssBytes - a.rssBytes || a.pid - b.pid).slice(0, 10);
  assert.deepEqual(sample.processes?.topCpu.map((p) => p.pid), byCpu.map((p) => p.pid));
  assert.deepEqual(sample.processes?.topMemory.map((p) => p.pid), byMemory.map((p) => p.pid));
  const reused = after[4] as ProcessCounters;
  const totalDelta = [vmSecond.cpuTotal, vmFirst.cpuTotal].map((t) => t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal);
  const expected = (reused.cpuTicks / ((totalDelta[0] as number) - (totalDelta[1] as number))) * (vmSecond.cpuCount ?? 1) * 100;
  assert.equal(sample.processes?.topCpu.find((p) => p.pid === reused.pid)?.cpuPct, roundPercent(expected));
  assert.equal(sample.processes?.total, 30);
});

void test('a reboot sets rebooted and voids every rate; a disk counter that went backwards voids only that disk', () => {
  const rebooted = buildSample('vm', 1, { ...vmSecond, uptimeSec: 5 }, vmFirst);
  assert.equal(rebooted.rebooted, true);
  assert.equal(rebooted.cpuModes, null);
  assert.equal(rebooted.perCoreBusyPct, null);
  assert.deepEqual(rebooted.disks, []);
  assert.equal(rebooted.diskReadBytesPerSec, null);
  const recreated = buildSample('vm', 1, { ...vmSecond, disks: (vmSecond.disks ?? []).map((d) => ({ ...d, sectorsRead: 0 })) }, vmFirst);
  assert.deepEqual(recreated.disks, []);
  assert.equal(recreated.diskReadBytesPerSec, null);
  assert.equal(recreated.rebooted, false);
});

void test('pseudo filesystems are left out by type unless the host asks for them', () => {
  assert.deepEqual(buildSample('vm', 1, vmSecond, vmFirst).filesystems.map((fs) => fs.mount), ['/']);
  const all = buildSample('vm', 1, vmSecond, vmFirst, { includePseudoFilesystems: true }).filesystems;
  assert.ok(all.some((fs) => fs.fsType === 'tmpfs'));
  assert.equal(all.length, vmSecond.filesystems?.length);
});

void test('a changed fact is sent again', () => {
  const renamed = { ...vmSecond, facts: vmSecond.facts && { ...vmSecond.facts, hostname: 'vm2' } };
  assert.equal(buildSample('vm', 1, renamed, vmFirst).facts?.hostname, 'vm2');
});

void test('a light poll carries no process lists or failed units and repeats no facts; rates still come from the previous poll', () => {
  const light: HostSnapshot = { ...vmSecond, script: 'light', processes: null, facts: null, failedUnits: null };
  const sample = buildSample('vm', 1, light, vmFirst, { processPatterns: ['postgres'] });
  assert.equal(sample.pollScript, 'light');
  assert.equal('processes' in sample, false, 'absent: not collected, which null ("none") would misstate');
  assert.equal('failedUnits' in sample, false);
  assert.equal(sample.facts, null);
  assert.deepEqual(sample.missing, []);
  assert.ok(sample.cpuModes !== null && sample.disks?.length === 1);
  assert.equal(buildSample('vm', 1, vmSecond, vmFirst).pollScript, 'full');
});

void test('after light polls, a full poll measures process CPU and fact changes against the last full one', () => {
  const light: HostSnapshot = { ...vmSecond, script: 'light', processes: null, facts: null };
  const [first] = vmFirst.processes ?? [];
  assert.ok(first);
  const busy = { ...first, pid: 424242, ppid: 1, command: 'busy-loop', cpuTicks: first.cpuTicks + 150 };
  const previousFull = { ...vmFirst, processes: [{ ...busy, cpuTicks: first.cpuTicks }] };
  const full = { ...vmSecond, processes: [busy] };
  const withFull = buildSample('vm', 1, full, light, { previousFull });
  const againstFull = buildSample('vm', 1, full, previousFull);
  assert.equal(withFull.processes?.topCpu[0]?.cpuPct, againstFull.processes?.topCpu[0]?.cpuPct, 'the delta since the last full poll');
  assert.equal(withFull.facts, null, 'facts unchanged since the last full poll are not repeated');
  assert.notEqual(buildSample('vm', 1, full, light).facts, null, 'without the last full poll, facts are sent');
  // A reboot since the last full poll: no process deltas across it, lifetime averages instead.
  const rebooted = buildSample('vm', 1, { ...full, uptimeSec: 1000 }, light, { previousFull });
  assert.notEqual(rebooted.processes?.topCpu[0]?.cpuPct, againstFull.processes?.topCpu[0]?.cpuPct);
});

void test('every percentage a sample carries is kept to 0.01 of a point, within 0.005 of the exact figure', () => {
  const percentages = (sample: ReturnType<typeof buildSample>): number[] => [
    ...[sample.cpuBusyPct, sample.memUsedPct, sample.diskUsedPctMax].filter((pct): pct is number => pct !== null),
    ...Object.values(sample.cpuModes ?? {}),
    ...(sample.perCoreBusyPct ?? []),
    ...(sample.disks ?? []).map((disk) => disk.busyPct),
    ...sample.filesystems.flatMap((fs) => [fs.usedPct, ...(fs.inodesUsedPct == null ? [] : [fs.inodesUsedPct])]),
  ];
  const real = buildSample('vm', 1_800_000_000_000, vmSecond, vmFirst);
  const simulated = ['sim-a', 'sim-b', 'sim-c'].flatMap((host) => simulatedSamples(host, 1_800_000_000_000, 30));
  let checked = 0;
  for (const sample of [real, ...simulated]) {
    const all = percentages(sample);
    assert.ok(all.length >= 10, `${sample.host}: ${all.length} percentages`);
    for (const pct of all) assert.ok(Object.is(hundredths(pct), pct) && pct >= 0 && pct <= 100, `${sample.host} at ${sample.ts}: ${pct}`);
    checked += all.length;
  }
  assert.ok(checked > 1000);
  const memory = vmSecond.memory;
  assert.ok(memory);
  const exactMem = ((memory.totalBytes - memory.availableBytes) / memory.totalBytes) * 100;
  assert.ok(Math.abs((real.memUsedPct ?? NaN) - exactMem) <= 0.005 + 1e-9);
  assert.notEqual(real.memUsedPct, exactMem, 'the capture has more than two decimals to lose');
  const elapsedMs = ((vmSecond.uptimeSec ?? NaN) - (vmFirst.uptimeSec ?? NaN)) * 1000;
  const vda = (s: HostSnapshot) => s.disks?.find((d) => d.name === 'vda');
  const exactBusy = (((vda(vmSecond)?.ioMs ?? NaN) - (vda(vmFirst)?.ioMs ?? NaN)) / elapsedMs) * 100;
  assert.ok(Math.abs((real.disks?.[0]?.busyPct ?? NaN) - Math.min(100, exactBusy)) <= 0.005 + 1e-9);
});

void test('disk latency is the time completed reads (writes) took over how many completed, null without any, as iostat\'s r_await and w_await', () => {
  const real = buildSample('vm', 1, vmSecond, vmFirst);
  const vda = (s: HostSnapshot) => s.disks?.find((d) => d.name === 'vda');
  const [after, before] = [vda(vmSecond), vda(vmFirst)];
  assert.ok(after && before);
  const reads = after.readsCompleted - before.readsCompleted;
  const writes = after.writesCompleted - before.writesCompleted;
  const rate = real.disks?.find((d) => d.name === 'vda');
  assert.equal(rate?.readLatencyMs, reads > 0 ? roundPercent((after.readMs - before.readMs) / reads) : null);
  assert.equal(rate?.writeLatencyMs, writes > 0 ? roundPercent((after.writeMs - before.writeMs) / writes) : null);

  const disk = (readsCompleted: number, readMs: number, writesCompleted: number, writeMs: number) => ({
    name: 'sda', readsCompleted, sectorsRead: readsCompleted * 8, writesCompleted, sectorsWritten: writesCompleted * 8, readMs, writeMs, ioMs: readMs + writeMs,
  });
  const at = (uptimeSec: number, d: ReturnType<typeof disk>): HostSnapshot => ({ ...vmSecond, uptimeSec, disks: [d] });
  // 30 reads in 10 s that took 45 ms in all: 1.5 ms each; no write completed: no write latency.
  const some = buildSample('vm', 1, at(1010, disk(130, 245, 50, 90)), at(1000, disk(100, 200, 50, 90))).disks?.[0];
  assert.deepEqual([some?.readLatencyMs, some?.writeLatencyMs, some?.readIops], [1.5, null, 3]);
  // A read-time counter that went backwards (a 32-bit kernel's wrap) voids the disk's figures, as the other counters do.
  assert.deepEqual(buildSample('vm', 1, at(1010, disk(130, 5, 50, 90)), at(1000, disk(100, 200, 50, 90))).disks, []);
});

void test('kernel activity: context switches, interrupts and forks per second over the host\'s clock; blocked tasks as they are; null across a reboot or a counter going back', () => {
  const at = (uptimeSec: number, contextSwitches: number | null, interrupts: number, forks: number, procsBlocked: number): HostSnapshot =>
    ({ ...vmSecond, uptimeSec, activity: { contextSwitches, interrupts, forks, procsBlocked } });
  const sample = buildSample('vm', 1, at(1010, 25_000, 12_000, 105, 2), at(1000, 5_000, 2_000, 100, 0));
  assert.deepEqual([sample.contextSwitchesPerSec, sample.interruptsPerSec, sample.forksPerSec, sample.processesBlocked], [2000, 1000, 0.5, 2]);
  assert.deepEqual(buildSample('vm', 1, at(1010, 25_000, 12_000, 105, 2), undefined).contextSwitchesPerSec, null, 'no previous poll');
  const rebooted = buildSample('vm', 1, at(5, 100, 100, 10, 0), at(1000, 5_000, 2_000, 100, 0));
  assert.deepEqual([rebooted.contextSwitchesPerSec, rebooted.forksPerSec, rebooted.processesBlocked], [null, null, 0]);
  const unknown = buildSample('vm', 1, at(1010, null, 12_000, 99, 1), at(1000, 5_000, 2_000, 100, 0));
  assert.deepEqual([unknown.contextSwitchesPerSec, unknown.interruptsPerSec, unknown.forksPerSec], [null, 1000, null]);
  // A real host's full then light poll (script version 5): every figure there, and sane.
  const [full, light] = [parsePollOutput(fixture('debian12-vm-2core-v5/poll-output-full.txt')), parsePollOutput(fixture('debian12-vm-2core-v5/poll-output-light.txt'))];
  const real = buildSample('vm', 1, light, full);
  for (const value of [real.contextSwitchesPerSec, real.interruptsPerSec, real.forksPerSec, real.processesBlocked]) assert.ok(typeof value === 'number' && value >= 0, String(value));
  assert.equal(light.activity?.contextSwitches, 14_382_405);
});

void test('the host\'s clock offset: btime (the boot by the host\'s clock) plus uptime against the worker\'s time, either way, to the second', () => {
  const at = Date.UTC(2026, 10, 25, 12, 0, 0);
  const state = createHostState('skewed', 7, at - 60_000);
  advanceHostState(state, at);
  for (const offset of [0, 300, -95]) {
    state.clockOffsetSec = offset;
    const snapshot = parsePollOutput(renderPollOutput(state, 'light'));
    // btime is whole seconds: the offset reads to within one.
    const sample = buildSample('skewed', at, snapshot, undefined);
    assert.ok(sample.clockOffsetSec !== null && sample.clockOffsetSec !== undefined && Math.abs(sample.clockOffsetSec - offset) <= 1, `${sample.clockOffsetSec} for ${offset}`);
  }
  // Without btime (a host that hides it, a source that does not say), no figure rather than a guess.
  assert.equal(buildSample('h', at, emptySnapshot({ uptimeSec: 100, hostBootTimeSec: null }), undefined).clockOffsetSec, null);
});
