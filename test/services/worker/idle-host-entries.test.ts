import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdleHostEntries } from '../../../services/worker/idle-host-entries.ts';
import type { IdleHostEntry } from '../../../services/worker/idle-host-entries.ts';

interface Entry extends IdleHostEntry {
  id: number;
}

test('one entry per host, replaced (the old released) when its key changes, forgotten once idle', () => {
  const released: number[] = [];
  let made = 0;
  const hosts = new IdleHostEntries<Entry>(60_000, (entry) => released.push(entry.id), 0);
  const create = (base: IdleHostEntry): Entry => ({ ...base, id: ++made });
  const a = hosts.entry('a', 'k1', 10, 0, create);
  assert.equal(hosts.entry('a', 'k1', 10, 1_000, create), a);
  const changed = hosts.entry('a', 'k2', 10, 2_000, create);
  assert.notEqual(changed, a);
  assert.deepEqual(released, [1]);
  // A host polled every 10 min stays three of its intervals; one polled every 10 s, the least idle time.
  const slow = hosts.entry('slow', 'k', 600, 2_000, create);
  assert.equal(slow.idleMs, 1_800_000);
  assert.equal(changed.idleMs, 60_000);
  // Past a's idle time (lastUsedAt 2 s): the next call's sweep releases it, not the slow host.
  hosts.entry('other', 'k', 10, 70_000, create);
  assert.deepEqual(released, [1, 2]);
  assert.deepEqual([...hosts.values()].map((entry) => entry.id), [3, 4]);
  hosts.clear();
  assert.deepEqual(released.sort(), [1, 2, 3, 4]);
  assert.equal([...hosts.values()].length, 0);
});
