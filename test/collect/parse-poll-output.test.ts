import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';

const capture = readFileSync(new URL('../fixtures/hosts/ci-vm-2core/poll-output-1.txt', import.meta.url), 'utf8');

void test('parses every section of a real capture from a 2-core VM', () => {
  const snapshot = parsePollOutput(capture);
  assert.deepEqual(snapshot.missing, []);
  assert.equal(snapshot.uptimeSec, 575.28);
  assert.equal(snapshot.cpuCount, 2);
  assert.deepEqual(snapshot.cpuTotal, {
    user: 26444, nice: 0, system: 5384, idle: 81552, iowait: 882, irq: 0, softirq: 329, steal: 46, guest: 0, guestNice: 0,
  });
  assert.deepEqual(snapshot.load, { load1: 5.79, load5: 1.93, load15: 0.76, runnable: 12, total: 238 });
  assert.equal(snapshot.memory?.totalBytes, 24683656 * 1024);
  assert.equal(snapshot.memory?.availableBytes, 23420448 * 1024);
  assert.deepEqual(snapshot.interfaces?.map((i) => i.name), ['lo', 'ifb0', 'ifb1', 'eth0']);
  assert.equal(snapshot.interfaces?.[3]?.rxBytes, 262722526);
  assert.deepEqual(snapshot.filesystems?.map((fs) => fs.mount), ['/dev', '/dev/shm', '/', '/sys/fs/cgroup']);
  assert.equal(snapshot.filesystems?.[2]?.usedBytes, 23876264 * 1024);
});

void test('an empty section is null and named in missing, the others still parse', () => {
  const withoutMeminfo = capture.replace(/@@meminfo\n[\s\S]*?(?=@@df\n)/, '@@meminfo\n');
  const snapshot = parsePollOutput(withoutMeminfo);
  assert.equal(snapshot.memory, null);
  assert.deepEqual(snapshot.missing, ['meminfo']);
  assert.equal(snapshot.cpuCount, 2);
});

void test('output cut short names the section it stopped in, the ones after it, and end', () => {
  const cut = capture.slice(0, capture.indexOf('SwapTotal:'));
  const snapshot = parsePollOutput(cut);
  // meminfo stopped before its swap lines: it must not read as "no swap".
  assert.equal(snapshot.memory, null);
  assert.deepEqual(snapshot.missing, ['meminfo', 'df', 'end']);
  assert.equal(snapshot.load?.runnable, 12);
});

void test('output cut at a line boundary inside df drops the incomplete df', () => {
  const cut = capture.slice(0, capture.indexOf('/dev/vda'));
  assert.deepEqual(parsePollOutput(cut).missing, ['df', 'end']);
});

void test('CRLF line endings parse the same', () => {
  const snapshot = parsePollOutput(capture.replaceAll('\n', '\r\n'));
  assert.deepEqual(snapshot.missing, []);
  assert.equal(snapshot.filesystems?.[2]?.mount, '/');
});

void test('nothing at all, or unrelated text, misses everything', () => {
  const all = ['uptime', 'netdev', 'stat', 'loadavg', 'meminfo', 'df', 'end'];
  assert.deepEqual(parsePollOutput('').missing, all);
  assert.deepEqual(parsePollOutput('bash: sh: command not found\n').missing, all);
});
