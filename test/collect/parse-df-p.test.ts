import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDfP } from '../../lib/collect/parse-df-p.ts';

const gpuDf = readFileSync(new URL('../fixtures/hosts/gpu-host-16core/df-P.txt', import.meta.url), 'utf8');

void test('parses the GPU host df -P rows in bytes', () => {
  const filesystems = parseDfP(gpuDf);
  assert.equal(filesystems?.length, 2);
  assert.deepEqual(filesystems?.[0], {
    mount: '/dev/shm',
    device: 'tmpfs',
    sizeBytes: 134217728 * 1024,
    usedBytes: 0,
    availableBytes: 134217728 * 1024,
    usedPct: 0,
    fsType: null,
    inodesUsedPct: null,
  });
  const root = filesystems?.[1];
  assert.equal(root?.mount, '/');
  assert.equal(root?.device, '/dev/vda');
  assert.equal(root?.sizeBytes, 264212084 * 1024);
  assert.equal(root?.usedBytes, 16881408 * 1024);
  assert.equal(root?.availableBytes, 67092164 * 1024);
  // df reports used / (used + available), rounded up: the fixture says 21%.
  // 16881408 / (16881408 + 67092164) = 20.1032…%, kept to 0.01.
  assert.equal(root?.usedPct, 20.1);
  assert.equal(Math.ceil(root?.usedPct ?? NaN), 21);
});

void test('keeps spaces inside mount points and device names', () => {
  const text = [
    'Filesystem     1024-blocks  Used Available Capacity Mounted on',
    '/dev/sdb1            1000   250       750      25% /mnt/my disk',
    '//nas/share x        2000  1000      1000      50% /media/nas share/2',
  ].join('\n');
  const filesystems = parseDfP(text);
  assert.deepEqual(filesystems?.map((fs) => [fs.device, fs.mount, fs.usedPct]), [
    ['/dev/sdb1', '/mnt/my disk', 25],
    ['//nas/share x', '/media/nas share/2', 50],
  ]);
});

void test('honours a 512-blocks header and clamps negative available to zero', () => {
  const text = 'Filesystem 512-blocks Used Available Capacity Mounted on\n/dev/sda1 2000 1800 -40 100% /\n';
  assert.deepEqual(parseDfP(text), [
    { mount: '/', device: '/dev/sda1', fsType: null, sizeBytes: 2000 * 512, usedBytes: 1800 * 512, availableBytes: 0, usedPct: 100, inodesUsedPct: null },
  ]);
});

void test('a size-0 filesystem (capacity "-") is 0% rather than NaN', () => {
  const filesystems = parseDfP('Filesystem 1024-blocks Used Available Capacity Mounted on\nproc 0 0 0 - /proc\n');
  assert.equal(filesystems?.[0]?.usedPct, 0);
});

void test('header only or garbage is null', () => {
  assert.equal(parseDfP('Filesystem 1024-blocks Used Available Capacity Mounted on\n'), null);
  assert.equal(parseDfP(''), null);
  assert.equal(parseDfP('/dev/vda 264212084 16881408\n'), null);
});
