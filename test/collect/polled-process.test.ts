import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolledProcess } from '../../lib/collect/polled-process.ts';
import type { ProcessStat } from '../../lib/collect/parse-process-stat.ts';

const stat: ProcessStat = { pid: 812, comm: 'nginx', state: 'S', ppid: 1, cpuTicks: 40, startTicks: 900, rssPages: 3 };

void test('the counters come from the stat line, the RSS in bytes', () => {
  const process = new PolledProcess(stat, 'nginx', 'nginx: worker process\0');
  assert.deepEqual(
    [process.pid, process.comm, process.state, process.ppid, process.cpuTicks, process.startTicks, process.rssBytes],
    [812, 'nginx', 'S', 1, 40, 900, 3 * 4096],
  );
});

void test('the command line is its arguments joined by spaces, control characters shown as spaces', () => {
  assert.equal(new PolledProcess(stat, 'nginx', 'nginx\0-g\0daemon off;\nx\0').command, 'nginx -g daemon off; x');
});

void test('without a command line (a kernel thread, or command lines not trusted) the command is the comm in brackets', () => {
  assert.equal(new PolledProcess(stat, 'kworker/0:1', '').command, '[kworker/0:1]');
  assert.equal(new PolledProcess(stat, 'kworker/0:1', undefined).command, '[kworker/0:1]');
  assert.equal(new PolledProcess(stat, 'idle', '\0\0').command, '[idle]');
});

void test('as JSON it is the plain counters with the command, nothing of how it was read', () => {
  const process = new PolledProcess(stat, 'nginx', 'nginx\0-t\0');
  assert.deepEqual(JSON.parse(JSON.stringify(process)), {
    pid: 812, comm: 'nginx', command: 'nginx -t', state: 'S', ppid: 1, cpuTicks: 40, startTicks: 900, rssBytes: 3 * 4096,
  });
});
