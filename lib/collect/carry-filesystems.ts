// Filesystems on light polls. `df` cost a light poll 14-21% of what it cost the host, for figures
// that change slowly, so since version 5 of the script only the full poll runs it: on a host's
// first poll and about once a minute (poll-schedule.ts), as a monitoring system reads disk space
// less often than CPU. A light poll's snapshot takes the host's last filesystems from the snapshot
// before it, with the time they were read, so that every sample still has them (the fullest
// filesystem's %, rules, charts, rollups) and their age shows.
import type { HostSnapshot } from './sample.ts';

/**
 * `current` with the time of its filesystems: `at` where its own poll read them; for a light poll,
 * which reads none, the filesystems and time of `previous` (the host's snapshot before it, itself
 * carried or read); null where there are none (a full poll whose df gave nothing, and the light
 * polls after it).
 */
export function carryFilesystems(current: HostSnapshot, previous: HostSnapshot | undefined, at: number): HostSnapshot {
  return carryFilesystemsInPlace({ ...current }, previous, at);
}

/** When a sample's filesystems were read: the snapshot's stamp, or `ts` for filesystems its own poll read that nothing stamped. */
export function filesystemsReadAt(snapshot: HostSnapshot, ts: number): number | null {
  if (snapshot.filesystemsAt !== undefined) return snapshot.filesystemsAt;
  return snapshot.filesystems !== null ? ts : null;
}

/**
 * As carryFilesystems, but stamps `current` itself rather than a copy: for a caller that owns the
 * snapshot, one it has just parsed (the worker, on every poll). Copying a snapshot's twenty fields
 * with a spread costs about a microsecond, the most of anything here. Same fields, same order.
 */
export function carryFilesystemsInPlace(current: HostSnapshot, previous: HostSnapshot | undefined, at: number): HostSnapshot {
  if (current.filesystems !== null) {
    current.filesystemsAt = at;
  } else if (current.script !== 'light' || previous === undefined || previous.filesystems === null) {
    current.filesystemsAt = null;
  } else {
    current.filesystems = previous.filesystems;
    current.filesystemsAt = previous.filesystemsAt ?? null;
  }
  return current;
}
