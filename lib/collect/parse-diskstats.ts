import type { DiskCounters } from './sample.ts';
import { countFields } from './split-fields.ts';

// Partitions repeat their disk's I/O; loop, ram and floppy devices are not storage an operator
// watches. Device-mapper (LVM, LUKS) and md RAID devices are kept: they are what filesystems sit on.
const PARTITION = /^(?:(?:sd|vd|xvd|hd)[a-z]+\d+|(?:nvme\d+n\d+|mmcblk\d+|nbd\d+|loop\d+)p\d+)$/;
const IGNORED = /^(?:loop\d+|ram\d+|fd\d+|zram\d+|sr\d+)$/;

/** The fields used: major, minor, name and the 11 counters every kernel prints. */
const FIELDS = 14;
/** The counts and field bounds of the line being read (countFields); only read before the next line's. */
const counts: number[] = [];
const bounds: number[] = [];

/**
 * /proc/diskstats: "major minor name" then at least 11 counters (4.18+ prints 15, 5.5+ 17).
 * Whole disks only; a device that never did any I/O is left out. No usable line is null.
 * Numbers are read in place, and a device is made an object only once it is kept.
 */
export function parseDiskstats(text: string): DiskCounters[] | null {
  return parseDiskstatsIn(text, 0, text.length);
}

/** parseDiskstats of text.slice(start, end), without the copy. */
export function parseDiskstatsIn(text: string, start: number, end: number): DiskCounters[] | null {
  const disks: DiskCounters[] = [];
  let sawLine = false;
  for (let lineStart = start; lineStart <= end;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 || newline > end ? end : newline;
    if (readLine(text, lineStart, lineEnd)) {
      sawLine = true;
      const readsCompleted = counts[3] ?? 0;
      const writesCompleted = counts[7] ?? 0;
      // An idle device is left out before its name is cut out and matched: most loop devices are.
      const name = readsCompleted !== 0 || writesCompleted !== 0 ? text.slice(bounds[4], bounds[5]) : '';
      if (name !== '' && !PARTITION.test(name) && !IGNORED.test(name)) {
        disks.push({
          name,
          readsCompleted,
          sectorsRead: counts[5] ?? 0,
          writesCompleted,
          sectorsWritten: counts[9] ?? 0,
          readMs: counts[6] ?? 0,
          writeMs: counts[10] ?? 0,
          ioMs: counts[12] ?? 0,
        });
      }
    }
    lineStart = lineEnd + 1;
  }
  return sawLine ? disks : null;
}

/** Whether text[start, end) is a diskstats line: major, minor and the counters are counts. Its fields are then in `counts` and `bounds`. */
function readLine(text: string, start: number, end: number): boolean {
  if (countFields(text, start, end, counts, bounds, FIELDS) < FIELDS) return false;
  for (let field = 0; field < FIELDS; field++) {
    // Field 2 is the name.
    if (field !== 2 && (counts[field] ?? -1) < 0) return false;
  }
  return true;
}
