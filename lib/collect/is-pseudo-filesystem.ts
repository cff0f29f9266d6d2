import type { FilesystemUsage } from './sample.ts';

// Where df names the filesystem type (GNU df --output) it decides; where it does not (busybox
// df -P), pseudo filesystems are recognised by the device name the kernel gives them and by where
// they are mounted.
const PSEUDO_TYPES = new Set([
  'tmpfs', 'devtmpfs', 'overlay', 'squashfs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'mqueue',
  'efivarfs', 'ramfs', 'rootfs', 'autofs', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf', 'configfs',
  'fusectl', 'hugetlbfs', 'binfmt_misc', 'nsfs', 'iso9660', 'fuse.lxcfs', 'fuse.snapfuse', 'fuse.portal',
]);
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
  if (fs.fsType != null) return PSEUDO_TYPES.has(fs.fsType) || (fs.device.startsWith('/dev/loop') && fs.availableBytes === 0);
  if (PSEUDO_DEVICES.has(fs.device)) return true;
  if (PSEUDO_MOUNT_ROOTS.some((root) => fs.mount === root || fs.mount.startsWith(`${root}/`))) return true;
  if (fs.device.startsWith('/dev/loop') && fs.availableBytes === 0) return true;
  return false;
}
