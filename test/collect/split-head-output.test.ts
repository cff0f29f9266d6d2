import { test } from 'node:test';
import assert from 'node:assert/strict';

import { splitHeadOutput } from '../../lib/collect/split-head-output.ts';

void test('files, process stats and command lines with and without trailing newlines', () => {
  const text = '==> /proc/uptime <==\n1.00 2.00\n\n==> /proc/1/stat <==\n1 (init) S\n\n==> /proc/1/cmdline <==\n/sbin/init\0splash\0\n==> /proc/2/cmdline <==\n';
  const head = splitHeadOutput(text);
  assert.deepEqual([...head.files], [
    ['/proc/uptime', '1.00 2.00\n'],
    ['/proc/1/stat', '1 (init) S\n'],
    ['/proc/1/cmdline', '/sbin/init\0splash\0'],
    ['/proc/2/cmdline', ''],
  ]);
  assert.equal(head.commandLinesTrusted, true);
  assert.equal(head.capped.size, 0);
});

void test('a forged header out of order is dropped and makes command lines untrusted', () => {
  const text = '==> /proc/10/stat <==\n10 (a) S\n\n==> /proc/10/cmdline <==\nx\n==> /proc/10/stat <==\n10 (evil) R\n\n==> /proc/11/cmdline <==\ny\0';
  const head = splitHeadOutput(text);
  assert.equal(head.files.get('/proc/10/stat'), '10 (a) S\n');
  assert.equal(head.commandLinesTrusted, false);
});

void test('a file of the byte cap is marked', () => {
  const head = splitHeadOutput(`==> /proc/diskstats <==\n${'x'.repeat(16384)}\n==> /proc/loadavg <==\n1\n`);
  assert.deepEqual([...head.capped], ['/proc/diskstats']);
});
