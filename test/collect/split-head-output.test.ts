import { test } from 'node:test';
import assert from 'node:assert/strict';

import { HeadFileList, splitHeadOutput, splitHeadOutputIn } from '../../lib/collect/split-head-output.ts';

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

// Regression: parsePollOutput reads the files in the output, by their bounds, rather than cut out.
void test('splitHeadOutputIn reads a range as splitHeadOutput reads it cut out, and lists files by their bounds', () => {
  const inner = '==> /proc/uptime <==\n1.00 2.00\n\n==> /proc/1/stat <==\n1 (init) S\n\n==> /proc/2/stat <==\n2 (kthreadd) S\n\n==> /proc/1/cmdline <==\n/sbin/init\0';
  const text = `@@files\n${inner}\n@@df\n==> /proc/loadavg <==\n1 2 3\n`;
  const start = text.indexOf('==>');
  const end = text.indexOf('\n@@df');
  const whole = splitHeadOutput(inner);
  assert.deepEqual(splitHeadOutputIn(text, start, end), whole);
  const processFiles = new HeadFileList();
  const fixedFiles = new HeadFileList();
  const head = splitHeadOutputIn(text, start, end, processFiles, fixedFiles);
  assert.deepEqual([...head.files], [['/proc/uptime', '1.00 2.00\n']]);
  const listed = (list: HeadFileList): [number, string, string][] => {
    const files: [number, string, string][] = [];
    for (let i = 0; i < list.length; i += 5) {
      const [group = -1, pathStart, pathEnd, contentStart, contentEnd] = list.values.slice(i, i + 5);
      files.push([group, text.slice(pathStart, pathEnd), text.slice(contentStart, contentEnd)]);
    }
    return files;
  };
  assert.deepEqual(listed(fixedFiles), [[0, '/proc/uptime', '1.00 2.00\n']]);
  assert.deepEqual(listed(processFiles), [[1, '/proc/1/stat', '1 (init) S\n'], [1, '/proc/2/stat', '2 (kthreadd) S\n'], [2, '/proc/1/cmdline', '/sbin/init\0']]);
  assert.equal(head.commandLinesTrusted, true);
});
