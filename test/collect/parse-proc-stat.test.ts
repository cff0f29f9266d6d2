import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseProcStat } from '../../lib/collect/parse-proc-stat.ts';

const gpuStat = readFileSync(new URL('../fixtures/hosts/gpu-host-16core/proc-stat.txt', import.meta.url), 'utf8');

void test('parses the total cpu line and counts the per-cpu lines of a 16-core host', () => {
  const parsed = parseProcStat(gpuStat);
  assert.deepEqual(parsed?.cpuTotal, { user: 64, nice: 0, system: 497, idle: 51740, iowait: 112, irq: 0, softirq: 19, steal: 3, guest: 0, guestNice: 0 });
  assert.equal(parsed?.cpuCount, 16);
  assert.equal(parsed?.cpuPerCore?.length, 16);
  assert.deepEqual(parsed?.cpuPerCore?.[9], { user: 4, nice: 0, system: 51, idle: 3129, iowait: 91, irq: 0, softirq: 0, steal: 0, guest: 0, guestNice: 0 });
});

void test('a pre-2.6.11 line with only eight fields reads the absent ones as zero', () => {
  const parsed = parseProcStat('cpu  10 1 20 300 4 5 6\ncpu0 10 1 20 300 4 5 6\n');
  assert.deepEqual(parsed, {
    cpuTotal: { user: 10, nice: 1, system: 20, idle: 300, iowait: 4, irq: 5, softirq: 6, steal: 0, guest: 0, guestNice: 0 },
    cpuCount: 1,
    cpuPerCore: [{ user: 10, nice: 1, system: 20, idle: 300, iowait: 4, irq: 5, softirq: 6, steal: 0, guest: 0, guestNice: 0 }],
    activity: { contextSwitches: null, interrupts: null, forks: null, procsBlocked: null },
    bootTimeSec: null,
  });
});

void test('the activity lines after the cpu ones: intr\'s total (not its per-interrupt counts), ctxt, processes and procs_blocked', () => {
  assert.deepEqual(parseProcStat(gpuStat)?.activity, { contextSwitches: 22194, interrupts: 56723, forks: 494, procsBlocked: 0 });
  const text = 'cpu  1 2 3 4\nintr 123456789012 5 0 7\nctxt 98765\nbtime 1700000000\nprocesses 4321\nprocs_running 3\nprocs_blocked 2\nsoftirq 1 2 3\n';
  assert.deepEqual(parseProcStat(text)?.activity, { contextSwitches: 98765, interrupts: 123456789012, forks: 4321, procsBlocked: 2 });
  // btime: the boot by the host's own clock, the way to its clock's offset.
  assert.equal(parseProcStat(text)?.bootTimeSec, 1_700_000_000);
  assert.equal(parseProcStat('cpu  1 2 3 4\nbtime soon\n')?.bootTimeSec, null);
  // A malformed or negative number is no figure; the others stand.
  assert.deepEqual(parseProcStat('cpu  1 2 3 4\nintr x 1\nctxt -5\nprocesses 12\n')?.activity, { contextSwitches: null, interrupts: null, forks: 12, procsBlocked: null });
});

void test('a malformed per-cpu line voids the per-core list rather than shifting the cores after it', () => {
  const parsed = parseProcStat('cpu  1 2 3 4\ncpu0 1 1 1 1\ncpu1 x 1 1 1\ncpu2 1 1 1 1\n');
  assert.equal(parsed?.cpuCount, 3);
  assert.equal(parsed?.cpuPerCore, null);
});

void test('only the cpu lines the poll script keeps are enough', () => {
  const cpuLines = gpuStat.split('\n').filter((l) => l.startsWith('cpu')).join('\n');
  assert.equal(parseProcStat(cpuLines)?.cpuCount, 16);
});

void test('text without a valid total line is null', () => {
  assert.equal(parseProcStat(''), null);
  assert.equal(parseProcStat('cpu0 1 2 3 4\n'), null);
  assert.equal(parseProcStat('cpu  1 2 3\n'), null);
  assert.equal(parseProcStat('cpu  1 2 -3 4\n'), null);
  assert.equal(parseProcStat('cpu  1 2 x 4\n'), null);
});

void test('no per-cpu lines gives a null cpu count, not zero', () => {
  assert.equal(parseProcStat('cpu  1 2 3 4\n')?.cpuCount, null);
});
