import type { FilesystemUsage } from './sample.ts';

// df -P prints no filesystem type, so pseudo filesystems are recognised by the device name the
// kernel gives them and by where they are mounted.
const PSEUDO_DEVICES = new Set([
  'tmpfs',
  'devtmpfs',
  'overlay',
  'squashfs',
  'proc',
  'sysfs',
  'udev',
  'shm',
  'none',
  'cgroup',
  'cgroup2',
  'devpts',
  'mqueue',
  'efivarfs',
  'ramfs',
  'rootfs',
]);
const PSEUDO_MOUNT_ROOTS = ['/proc', '/sys', '/dev', '/run', '/snap'];

/**
 * True for filesystems whose usage says nothing about disk space: memory-backed (tmpfs, /dev/shm),
 * kernel interfaces (/proc, /sys), container layers (overlay, which repeats the disk under it),
 * read-only images (snap squashfs loop mounts, always 100% full) and anything of size 0.
 * An overlay mounted at / is kept: inside a container it is the only view of the disk.
 */
export function isPseudoFilesystem(fs: FilesystemUsage): boolean {
  if (fs.sizeBytes === 0) return true;
  if (fs.device === 'overlay' && fs.mount === '/') return false;
  if (PSEUDO_DEVICES.has(fs.device)) return true;
  if (PSEUDO_MOUNT_ROOTS.some((root) => fs.mount === root || fs.mount.startsWith(`${root}/`))) return true;
  if (fs.device.startsWith('/dev/loop') && fs.availableBytes === 0) return true;
  return false;
}
