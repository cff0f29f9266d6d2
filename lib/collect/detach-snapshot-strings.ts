// A snapshot outlives its poll: the worker keeps each host's last one (and its last full one) as
// the base of the next poll's rates, and a light poll's filesystems are the full poll's, carried.
// Its strings are cut from the poll's output, and V8 makes a cut of 13 characters or more a view
// into the whole text: one mount point such as /dev/mapper/vg-root kept the full poll's whole
// output alive with it, 43 kB for a real host's (128 processes), until the host's next full poll.
// Measured: 72 kB kept per host for that output, 30 kB with its strings detached
// (test/collect/detach-snapshot-strings.test.ts).
import { PolledProcess } from './polled-process.ts';
import type { HostSnapshot } from './sample.ts';

/** V8's shortest sliced string (SlicedString::kMinLength): any shorter cut is a copy already. */
const SHORTEST_VIEW = 13;

/**
 * `text` with characters of its own. Concatenation makes a two-part string, and slicing that
 * first flattens it into a new string of length + 1, which the slice then views: the kept bytes
 * are those. About 40 ns here, against 190 for a round trip through a Buffer.
 */
export function detachString(text: string): string {
  return text.length < SHORTEST_VIEW ? text : (' ' + text).slice(1);
}

function detachOrNull(text: string | null): string | null {
  return text === null ? null : detachString(text);
}

/**
 * Detaches, in place, the strings of a snapshot from the output it was parsed from, for a
 * caller about to keep it past its poll. Filesystems carried from an earlier snapshot were
 * detached when that one was kept and are left as they are.
 */
export function detachSnapshotStrings(snapshot: HostSnapshot): HostSnapshot {
  if (snapshot.filesystems !== null && snapshot.script !== 'light') {
    for (const fs of snapshot.filesystems) {
      fs.mount = detachString(fs.mount);
      fs.device = detachString(fs.device);
      if (fs.fsType !== undefined) fs.fsType = detachOrNull(fs.fsType);
    }
  }
  if (snapshot.interfaces !== null) for (const iface of snapshot.interfaces) iface.name = detachString(iface.name);
  if (snapshot.virtualInterfaces !== null) detachEach(snapshot.virtualInterfaces);
  if (snapshot.disks !== null) for (const disk of snapshot.disks) disk.name = detachString(disk.name);
  if (snapshot.processes !== null) {
    for (const p of snapshot.processes) {
      if (p instanceof PolledProcess) {
        p.detachStrings(detachString);
      } else {
        p.comm = detachString(p.comm);
        p.command = detachString(p.command);
        p.state = detachString(p.state);
      }
    }
  }
  if (snapshot.failedUnits !== null) detachEach(snapshot.failedUnits);
  if (snapshot.gpus !== null) {
    for (const gpu of snapshot.gpus) {
      gpu.uuid = detachString(gpu.uuid);
      gpu.name = detachString(gpu.name);
    }
  }
  if (snapshot.facts !== null) {
    const f = snapshot.facts;
    f.hostname = detachOrNull(f.hostname);
    f.kernel = detachOrNull(f.kernel);
    f.osName = detachOrNull(f.osName);
    f.osVersion = detachOrNull(f.osVersion);
    f.cpuModel = detachOrNull(f.cpuModel);
    f.architecture = detachOrNull(f.architecture);
  }
  // Not `missing`: its names are the parser's own constants, never cut from the output. Not
  // `unsupportedOs`: a poll that sets it is a failure, whose snapshot is not kept.
  return snapshot;
}

/** In place: no new array on every poll. */
function detachEach(texts: string[]): void {
  for (let i = 0; i < texts.length; i++) texts[i] = detachString(texts[i] as string);
}
