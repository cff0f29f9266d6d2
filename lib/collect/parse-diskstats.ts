import type { DiskCounters } from './sample.ts';
import { countInField, countsInFields, fieldBounds, forEachLine } from './split-fields.ts';

// Partitions repeat their disk's I/O; loop, ram and floppy devices are not storage an operator
// watches. Device-mapper (LVM, LUKS) and md RAID devices are kept: they are what filesystems sit on.
const PARTITION = /^(?:(?:sd|vd|xvd|hd)[a-z]+\d+|(?:nvme\d+n\d+|mmcblk\d+|nbd\d+|loop\d+)p\d+)$/;
const IGNORED = /^(?:loop\d+|ram\d+|fd\d+|zram\d+|sr\d+)$/;

/**
 * /proc/diskstats: "major minor name" then at least 11 counters (4.18+ prints 15, 5.5+ 17).
 * Whole disks only; a device that never did any I/O is left out. No usable line is null.
 */
export function parseDiskstats(text: string): DiskCounters[] | null {
  const disks: DiskCounters[] = [];
  let sawLine = false;
  forEachLine(text, (start, end) => {
    const disk = readLine(text, start, end);
    if (disk === null) return;
    sawLine = true;
    if (PARTITION.test(disk.name) || IGNORED.test(disk.name)) return;
    if (disk.readsCompleted !== 0 || disk.writesCompleted !== 0) disks.push(disk);
  });
  return sawLine ? disks : null;
}

/** The fields used: major, minor, name and the 11 counters every kernel prints. */
const FIELDS = 14;
/** The field bounds and counters of the line being read; only read before the next line's. */
const bounds: number[] = [];
const counters: number[] = [];

/** One line's device, or null when it is not a diskstats line; numbers are read in place. */
function readLine(text: string, start: number, end: number): DiskCounters | null {
  if (fieldBounds(text, start, end, bounds, FIELDS) < FIELDS) return null;
  if (countInField(text, bounds, 0) === null || countInField(text, bounds, 1) === null) return null;
  if (!countsInFields(text, bounds, 3, FIELDS, counters)) return null;
  return {
    name: text.slice(bounds[4], bounds[5]),
    readsCompleted: counters[0] ?? 0,
    sectorsRead: counters[2] ?? 0,
    writesCompleted: counters[4] ?? 0,
    sectorsWritten: counters[6] ?? 0,
    ioMs: counters[9] ?? 0,
  };
}
