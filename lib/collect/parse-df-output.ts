import type { FilesystemUsage } from './sample.ts';
import { parseCount } from './parse-count.ts';
import { roundPercent } from './round-percent.ts';

// "source fstype size used avail itotal iused target", sizes in KiB (-k). The mount point runs to
// the end of the line; the source is matched lazily so the number columns anchor the split.
const ROW = /^(\S.*?)\s+(\S+)\s+(\d+)\s+(\d+)\s+(-?\d+)\s+(\d+|-)\s+(\d+|-)\s+(\/.*)$/;
const MAX_LINE_LENGTH = 8192;
const HEADER = /^Filesystem\s+Type\s+1K-blocks\s/;

/**
 * GNU `df -k --output=source,fstype,size,used,avail,itotal,iused,target`. Null when the text has
 * no such header (busybox printed `df -Pk` instead) or no parseable row. Filesystems without an
 * inode limit (btrfs, vfat) report 0 inodes: their inode use is null.
 */
export function parseDfOutput(text: string): FilesystemUsage[] | null {
  const lines = text.split('\n');
  let headerAt = 0;
  while (headerAt < lines.length && !HEADER.test(lines[headerAt] as string)) headerAt++;
  if (headerAt === lines.length) return null;
  const filesystems: FilesystemUsage[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length > MAX_LINE_LENGTH) continue;
    // The `df -Pk` fallback ran after a partial failure: its rows repeat these.
    if (line.startsWith('Filesystem ')) break;
    const row = ROW.exec(line.trimEnd());
    if (row === null) continue;
    const [, device, fsType, sizeText, usedText, availableText, inodesText, inodesUsedText, mount] = row;
    const sizeKib = parseCount(sizeText);
    const usedKib = parseCount(usedText);
    const availableKib = availableText?.startsWith('-') ? 0 : parseCount(availableText);
    if (device === undefined || fsType === undefined || mount === undefined || sizeKib === null || usedKib === null || availableKib === null) continue;
    const inodes = parseCount(inodesText);
    const inodesUsed = parseCount(inodesUsedText);
    const usedBytes = usedKib * 1024;
    const availableBytes = availableKib * 1024;
    filesystems.push({
      mount,
      device,
      fsType,
      sizeBytes: sizeKib * 1024,
      usedBytes,
      availableBytes,
      usedPct: usedBytes + availableBytes > 0 ? roundPercent((usedBytes / (usedBytes + availableBytes)) * 100) : 0,
      inodesUsedPct: inodes !== null && inodes > 0 && inodesUsed !== null ? roundPercent(Math.min(100, (inodesUsed / inodes) * 100)) : null,
    });
  }
  return filesystems.length > 0 ? filesystems : null;
}
