import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { detachSnapshotStrings, detachString } from '../../lib/collect/detach-snapshot-strings.ts';
import { parsePollOutput } from '../../lib/collect/parse-poll-output.ts';
import type { HostSnapshot } from '../../lib/collect/sample.ts';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after two full collections: what is still reachable. */
function heapInUse(): number {
  gc();
  gc();
  return v8.getHeapStatistics().used_heap_size;
}

// A real host's full output (Debian 12, 128 processes), received as the worker receives it: decoded from bytes.
const output = readFileSync(new URL('../fixtures/hosts/debian12-vm-2core/poll-output-v2-2.txt', import.meta.url));

/** Heap bytes each of `count` kept snapshots holds, each parsed from its own copy of the output. */
function keptBytesPerSnapshot(count: number, keep: (s: HostSnapshot) => HostSnapshot): number {
  const kept: HostSnapshot[] = [];
  const before = heapInUse();
  for (let i = 0; i < count; i++) kept.push(keep(parsePollOutput(output.toString('utf8'))));
  const bytes = (heapInUse() - before) / count;
  assert.equal(kept.length, count);
  return bytes;
}

test('a kept snapshot no longer holds the output it was parsed from (regression: 72 kB a host for a 43 kB output)', () => {
  const asParsed = keptBytesPerSnapshot(100, (s) => s);
  const detached = keptBytesPerSnapshot(100, detachSnapshotStrings);
  // As parsed, the mount points and command lines cut from the text keep all of it.
  assert.ok(asParsed > output.length, `as parsed: ${Math.round(asParsed)} bytes kept, the output is ${output.length}`);
  // Detached, most of the output's size is gone. Not all: heap figures on a loaded machine swing
  // by a few kB a snapshot (a CI run measured 38.0 kB less for a 43.1 kB output, under load),
  // while a snapshot that still held the text would keep about as much as the one as parsed.
  assert.ok(asParsed - detached > output.length * 0.75, `detached: ${Math.round(detached)} bytes kept against ${Math.round(asParsed)}`);
});

test('detaching changes no value', () => {
  const text = output.toString('utf8');
  const snapshot = parsePollOutput(text);
  // As JSON: processes are PolledProcess objects, whose command is read through a getter.
  const before = JSON.stringify(snapshot);
  assert.ok((snapshot.filesystems?.length ?? 0) > 0 && (snapshot.processes?.length ?? 0) > 0 && snapshot.facts !== null, 'the fixture has what is detached');
  assert.equal(JSON.stringify(detachSnapshotStrings(snapshot)), before);
});

test('a light snapshot\'s carried filesystems are left as they are', () => {
  const full = detachSnapshotStrings(parsePollOutput(output.toString('utf8')));
  // A string's identity cannot be seen from JavaScript: the carried filesystems count writes instead.
  let writes = 0;
  const carried = (full.filesystems ?? []).map((fs) => {
    const fields = { ...fs };
    const watched = { ...fs };
    for (const key of ['mount', 'device', 'fsType'] as const) {
      Object.defineProperty(watched, key, {
        enumerable: true,
        get: () => fields[key],
        set: (value: string) => {
          writes++;
          (fields as Record<string, unknown>)[key] = value;
        },
      });
    }
    return watched;
  });
  assert.ok(carried.length > 0, 'the fixture has filesystems');
  const light: HostSnapshot = { ...full, script: 'light', processes: null, facts: null, failedUnits: null, filesystems: carried };
  detachSnapshotStrings(light);
  assert.equal(writes, 0);
  // The same watch sees a full snapshot's filesystems detached.
  detachSnapshotStrings({ ...light, script: 'full' });
  assert.ok(writes >= carried.length * 2, `${writes} writes`);
});

test('detachString keeps the text, short or long', () => {
  const text = 'x'.repeat(100) + '/dev/mapper/debian--vg-root' + 'y';
  for (const cut of [text.slice(100, 104), text.slice(100, 127), '', 'é/ü€😀 long enough to be a view']) {
    assert.equal(detachString(cut), cut);
  }
});
