import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPseudoFilesystem } from '../../lib/collect/is-pseudo-filesystem.ts';
import type { FilesystemUsage } from '../../lib/collect/sample.ts';

function fs(device: string, mount: string, sizeBytes = 1000, availableBytes = 500): FilesystemUsage {
  const usedBytes = sizeBytes - availableBytes;
  return { device, mount, sizeBytes, usedBytes, availableBytes, usedPct: sizeBytes > 0 ? (usedBytes / sizeBytes) * 100 : 0 };
}

void test('real disks are kept', () => {
  for (const real of [fs('/dev/vda', '/'), fs('/dev/nvme0n1p2', '/data'), fs('/dev/sda1', '/boot/efi'), fs('/dev/mapper/vg-home', '/home')]) {
    assert.equal(isPseudoFilesystem(real), false, real.mount);
  }
});

void test('memory-backed, kernel and container filesystems are pseudo', () => {
  for (const pseudo of [
    fs('tmpfs', '/dev/shm'),
    fs('devtmpfs', '/dev'),
    fs('tmpfs', '/run/user/1000'),
    fs('udev', '/dev'),
    fs('overlay', '/var/lib/docker/overlay2/abc/merged'),
    fs('shm', '/var/lib/docker/containers/abc/mounts/shm'),
    fs('none', '/sys/fs/bpf'),
    fs('/dev/loop3', '/snap/core20/2105', 1000, 0),
    fs('/dev/vdb', '/mnt/empty', 0, 0),
  ]) {
    assert.equal(isPseudoFilesystem(pseudo), true, `${pseudo.device} ${pseudo.mount}`);
  }
});

void test('an overlay root is kept: in a container it is the only view of the disk', () => {
  assert.equal(isPseudoFilesystem(fs('overlay', '/')), false);
});

void test('a loop device with space left is a real image mount', () => {
  assert.equal(isPseudoFilesystem(fs('/dev/loop0', '/srv/images')), false);
});
