import type { FilesystemUsage } from './sample.ts';
import { parseCount } from './parse-count.ts';
import { roundPercent } from './round-percent.ts';

// A row is "device size used available capacity mount". The mount point runs to the end of the line
// and may contain spaces; the device is matched lazily so the four number columns anchor the split.
// Available can be negative on some filesystems (coreutils prints it signed); it is clamped to 0.
const ROW = /^(\S.*?)\s+(\d+)\s+(\d+)\s+(-?\d+)\s+(\d+%|-)\s+(\/.*)$/;
// Real mount points are bounded by PATH_MAX; a longer line is not df output, and skipping it keeps
// the lazy match above from going quadratic on garbage.
const MAX_LINE_LENGTH = 8192;
const HEADER = /^Filesystem\s+(\d+)-blocks\s/;

/**
 * `df -P` (or `df -Pk`) output. The header names the block size ("1024-blocks", or "512-blocks"
 * when POSIXLY_CORRECT is set without -k). usedPct is computed from the counts, to 0.01: df's own
 * column is rounded up to a whole percent.
 * No parseable row is null.
 */
export function parseDfP(text: string): FilesystemUsage[] | null {
  const lines = text.split('\n');
  let blockSize = 1024;
  const filesystems: FilesystemUsage[] = [];
  for (const line of lines) {
    if (line.length > MAX_LINE_LENGTH) continue;
    const header = HEADER.exec(line);
    if (header !== null) {
      const size = parseCount(header[1]);
      if (size !== null && size > 0) blockSize = size;
      continue;
    }
    const row = ROW.exec(line.trimEnd());
    if (row === null) continue;
    const [, device, sizeText, usedText, availableText, , mount] = row;
    const sizeBlocks = parseCount(sizeText);
    const usedBlocks = parseCount(usedText);
    const availableBlocks = availableText?.startsWith('-') ? 0 : parseCount(availableText);
    if (device === undefined || mount === undefined || sizeBlocks === null || usedBlocks === null || availableBlocks === null) continue;
    const usedBytes = usedBlocks * blockSize;
    const availableBytes = availableBlocks * blockSize;
    const usedPct = usedBytes + availableBytes > 0 ? roundPercent((usedBytes / (usedBytes + availableBytes)) * 100) : 0;
    filesystems.push({ mount, device, fsType: null, sizeBytes: sizeBlocks * blockSize, usedBytes, availableBytes, usedPct, inodesUsedPct: null });
  }
  return filesystems.length > 0 ? filesystems : null;
}
