import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/hosts/${path}`, import.meta.url), 'utf8');
}

import { parseDiskstats } from '../../lib/collect/parse-diskstats.ts';

void test('the GPU host: whole disks that did I/O, without loop and zram devices', () => {
  assert.deepEqual(parseDiskstats(fixture('gpu-host-16core/proc-diskstats.txt')), [
    { name: 'vda', readsCompleted: 2863, sectorsRead: 1287162, writesCompleted: 157, sectorsWritten: 3016, readMs: 2057, writeMs: 51, ioMs: 1024 },
    { name: 'vdb', readsCompleted: 2305, sectorsRead: 249904, writesCompleted: 0, sectorsWritten: 0, readMs: 434, writeMs: 0, ioMs: 128 },
  ]);
});

void test('partitions are left out, device-mapper, md and NVMe namespaces kept; 11-counter kernels parse', () => {
  const text = [
    '   8       0 sda 10 0 80 0 5 0 40 0 0 7 0',
    '   8       1 sda1 10 0 80 0 5 0 40 0 0 7 0',
    ' 259       0 nvme0n1 1 0 8 0 1 0 8 0 0 1 0 0 0 0 0',
    ' 259       1 nvme0n1p1 1 0 8 0 1 0 8 0 0 1 0 0 0 0 0',
    ' 253       0 dm-0 3 0 24 0 0 0 0 0 0 2 0',
    '   9       0 md0 3 0 24 0 0 0 0 0 0 2 0',
    ' 179       1 mmcblk0p1 3 0 24 0 0 0 0 0 0 2 0',
  ].join('\n');
  assert.deepEqual(parseDiskstats(text)?.map((d) => d.name), ['sda', 'nvme0n1', 'dm-0', 'md0']);
});

void test('garbage and short lines are null; a host whose disks are all idle is an empty list', () => {
  assert.equal(parseDiskstats(''), null);
  assert.equal(parseDiskstats('8 0 sda 1 2 3\n'), null);
  assert.equal(parseDiskstats('8 0 sda 1 2 3 4 5 6 7 -8 9 10 11\n'), null);
  assert.deepEqual(parseDiskstats('   7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n 8 0 sdb 0 0 0 0 0 0 0 0 0 0 0\n'), []);
});
