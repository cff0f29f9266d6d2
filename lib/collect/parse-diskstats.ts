import type { DiskCounters } from './sample.ts';
import { parseCount } from './parse-count.ts';
import { splitFields } from './split-fields.ts';

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
  for (const line of text.split('\n')) {
    const fields = splitFields(line);
    if (fields.length < 14) continue;
    const name = fields[2];
    if (name === undefined || parseCount(fields[0]) === null || parseCount(fields[1]) === null) continue;
    const counters = fields.slice(3, 14).map(parseCount);
    if (counters.some((value) => value === null)) continue;
    sawLine = true;
    if (PARTITION.test(name) || IGNORED.test(name)) continue;
    const [readsCompleted = 0, , sectorsRead = 0, , writesCompleted = 0, , sectorsWritten = 0, , , ioMs = 0] = counters as number[];
    if (readsCompleted === 0 && writesCompleted === 0) continue;
    disks.push({ name, readsCompleted, sectorsRead, writesCompleted, sectorsWritten, ioMs });
  }
  return sawLine ? disks : null;
}
