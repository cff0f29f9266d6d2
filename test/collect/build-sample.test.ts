import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSample } from '../../lib/collect/build-sample.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import { parseNetDev } from '../../lib/collect/parse-net-dev.ts';
import { parseProcStat } from '../../lib/collect/parse-proc-stat.ts';
import type { HostSnapshot, InterfaceCounters } from '../../lib/collect/sample.ts';

function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/hosts/${path}`, import.meta.url), 'utf8');
}

function emptySnapshot(overrides: Partial<HostSnapshot>): HostSnapshot {
  return {
    cpuTotal: null,
    cpuCount: null,
    memory: null,
    load: null,
    uptimeSec: null,
    interfaces: null,
    filesystems: null,
    missing: [],
    ...overrides,
  };
}

function cpuFieldsOfTotalLine(text: string): number[] {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  assert.ok(line);
  return line.trim().split(/\s+/).slice(1).map(Number);
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
  assert.equal(sample.cpuBusyPct, expected);
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
  assert.equal(sample.memUsedPct, ((24683656 - 23344180) / 24683656) * 100);
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
  assert.equal(sample.diskUsedPctMax, (23876276 / (23876276 + 82514636)) * 100);
  assert.deepEqual(sample.missing, []);
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
  assert.deepEqual(sample.interfaces.find((i) => i.name === 'eth0'), { name: 'eth0', rxBytesPerSec: 2500, txBytesPerSec: 500 });
  assert.deepEqual(sample.interfaces.find((i) => i.name === 'lo'), { name: 'lo', rxBytesPerSec: 999_999 / 2, txBytesPerSec: 999_999 / 2 });
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
