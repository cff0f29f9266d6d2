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
