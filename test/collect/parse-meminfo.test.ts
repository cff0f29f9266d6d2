import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseMeminfo } from '../../lib/collect/parse-meminfo.ts';

const gpuMeminfo = readFileSync(new URL('../fixtures/hosts/gpu-host-16core/proc-meminfo.txt', import.meta.url), 'utf8');

void test('converts the GPU host meminfo from kB to bytes', () => {
  assert.deepEqual(parseMeminfo(gpuMeminfo), {
    totalBytes: 131981020 * 1024,
    availableBytes: 131492912 * 1024,
    freeBytes: 130741228 * 1024,
    buffersBytes: 12780 * 1024,
    cachedBytes: 946684 * 1024,
    swapTotalBytes: 0,
    swapFreeBytes: 0,
  });
});

void test('estimates available as MemFree + Buffers + Cached on kernels before 3.14', () => {
  const oldKernel = gpuMeminfo.split('\n').filter((l) => !l.startsWith('MemAvailable:')).join('\n');
  assert.equal(parseMeminfo(oldKernel)?.availableBytes, (130741228 + 12780 + 946684) * 1024);
});

void test('reads swap and tolerates absent swap lines', () => {
  const withSwap = 'MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 500 kB\nSwapTotal: 2048 kB\nSwapFree: 1024 kB\n';
  assert.equal(parseMeminfo(withSwap)?.swapTotalBytes, 2048 * 1024);
  assert.equal(parseMeminfo(withSwap)?.swapFreeBytes, 1024 * 1024);
  assert.equal(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\n')?.swapTotalBytes, 0);
});

void test('without MemTotal or MemFree it is null', () => {
  assert.equal(parseMeminfo(''), null);
  assert.equal(parseMeminfo('MemFree: 100 kB\n'), null);
  assert.equal(parseMeminfo('MemTotal: 1000 kB\n'), null);
  assert.equal(parseMeminfo('MemTotal: -1000 kB\nMemFree: 100 kB\n'), null);
});

// Regression: the lines are read by a scan that must keep the regex's rules.
void test('a key line is "Key:", whitespace, digits, an optional " kB" and whitespace; a malformed one does not hide a later one', () => {
  const text = 'MemTotal:1000 kB\nMemTotal: 2000 kBx\nMemTotal:\t3000 kB \r\nMemFree: 100\nBuffers: 7 kB 8\nCached: 5 MB\n';
  assert.deepEqual(parseMeminfo(text), {
    totalBytes: 3000 * 1024, availableBytes: 100 * 1024, freeBytes: 100 * 1024, buffersBytes: 0, cachedBytes: 0, swapTotalBytes: 0, swapFreeBytes: 0,
  });
  assert.equal(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nMemTotal: 9 kB\n')?.totalBytes, 1000 * 1024);
  assert.equal(parseMeminfo('MemTotal : 1000 kB\nMemFree: 100 kB\n'), null);
});
