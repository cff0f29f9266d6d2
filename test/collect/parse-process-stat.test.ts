import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseProcessStat } from '../../lib/collect/parse-process-stat.ts';

void test('a real line: pid, comm, state, ppid, utime+stime, start time, rss pages', () => {
  const line = '1 (systemd) S 0 1 1 0 -1 4194560 46717 2404637 97 1361 63 119 5010 2080 20 0 1 0 5 23166976 3276 18446744073709551615 1 1 0 0 0 0 671173123 4096 1260 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0';
  assert.deepEqual(parseProcessStat(line), { pid: 1, comm: 'systemd', state: 'S', ppid: 0, cpuTicks: 182, startTicks: 5, rssPages: 3276 });
});

// Regression: a comm may hold ") " itself; only the last one ends it.
void test('a comm with spaces, parentheses and a newline', () => {
  const line = '42 (a) b (c\nd) R 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 900 0 12 0 0';
  assert.deepEqual(parseProcessStat(line), { pid: 42, comm: 'a) b (c\nd', state: 'R', ppid: 1, cpuTicks: 10, startTicks: 900, rssPages: 12 });
});

void test('cut or garbled lines are null', () => {
  assert.equal(parseProcessStat(''), null);
  assert.equal(parseProcessStat('1 (init) S 0 1 1 0 -1 0 0 0'), null);
  assert.equal(parseProcessStat('x (init) S 0 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 900 0 12 0 0'), null);
  assert.equal(parseProcessStat('1 (init) S 0 1 1 0 -1 0 0 0 0 0 -7 3 0 0 20 0 1 0 900 0 12 0 0'), null);
});

// The kernel's single-space layout takes a fast path; any other whitespace the general scan. Both must agree.
void test('tabs, runs of spaces and a trailing newline read the same as single spaces', () => {
  const line = '42 (a) b) R 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 900 0 12 0 0';
  const expected = { pid: 42, comm: 'a) b', state: 'R', ppid: 1, cpuTicks: 10, startTicks: 900, rssPages: 12 };
  assert.deepEqual(parseProcessStat(line), expected);
  assert.deepEqual(parseProcessStat(`${line}\n`), expected);
  assert.deepEqual(parseProcessStat(line.replace(') R 1', ')  R\t1').replaceAll(' 0 ', '  0\t')), expected);
  assert.deepEqual(parseProcessStat(line.replace(' 900 ', ' 99999999999999999999 '))?.startTicks, 1e20);
  assert.equal(parseProcessStat(line.replace(' 12 0 0', ' 12x 0 0')), null);
  assert.equal(parseProcessStat(line.replace(' R ', ' RR ')), null);
});
