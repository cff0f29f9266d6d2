import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/hosts/${path}`, import.meta.url), 'utf8');
}

import { parseDfOutput } from '../../lib/collect/parse-df-output.ts';

const dfSection = (path: string): string => {
  const text = fixture(path);
  return text.slice(text.indexOf('@@df\n') + 5, text.indexOf('@@end\n'));
};

void test('GNU df --output on this VM: types, sizes in bytes, inode use', () => {
  const filesystems = parseDfOutput(dfSection('debian12-vm-2core/poll-output-v2-1.txt'));
  const root = filesystems?.find((fs) => fs.mount === '/');
  assert.deepEqual(root && { device: root.device, fsType: root.fsType }, { device: '/dev/vda', fsType: 'ext4' });
  assert.equal(root?.sizeBytes, 264212084 * 1024);
  assert.ok(root?.inodesUsedPct != null && root.inodesUsedPct > 0);
  assert.deepEqual(filesystems?.map((fs) => fs.fsType), ['devtmpfs', 'tmpfs', 'ext4', 'tmpfs', 'tmpfs']);
});

void test('no inode limit (btrfs) is null; a mount point with spaces; the -Pk fallback after a partial failure is not read twice', () => {
  const text = [
    'Filesystem     Type  1K-blocks    Used Avail Inodes IUsed Mounted on',
    '/dev/sdb1      btrfs  1000        400   600      0     0 /data',
    '/dev/sdc1      ext4   1000        100   900    100    25 /mnt/my disk',
    'Filesystem 1024-blocks Used Available Capacity Mounted on',
    '/dev/sdb1 1000 400 600 40% /data',
  ].join('\n');
  const filesystems = parseDfOutput(text);
  assert.equal(filesystems?.length, 2);
  assert.equal(filesystems?.[0]?.inodesUsedPct, null);
  assert.equal(filesystems?.[1]?.mount, '/mnt/my disk');
  assert.equal(filesystems?.[1]?.inodesUsedPct, 25);
});

void test('busybox df -Pk output is not this format', () => {
  assert.equal(parseDfOutput(dfSection('busybox-1.35-debian12-vm/poll-output-v2.txt')), null);
});
