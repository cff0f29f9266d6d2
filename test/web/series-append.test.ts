import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendSeries, dropBefore } from '../../web/src/series-append.ts';
import { seriesFixture } from './series-fixture.ts';

void test('appends only the points later than the last one, every column and device aligned', () => {
  const older = seriesFixture([10, 20]);
  const newer = seriesFixture([20, 30, 40]);
  newer.interfaces.push({ name: 'wg0', rxBytesPerSec: [7, 8, 9], txBytesPerSec: [1, 1, 1] });
  newer.disks = [];
  const merged = appendSeries(older, newer);
  assert.deepEqual(merged.ts, [10, 20, 30, 40]);
  assert.deepEqual(merged.cpuUserPct, [5, 6, 6, 7]);
  assert.deepEqual(merged.load1, [0, 1, 1, 2]);
  assert.equal(merged.to, newer.to);
  assert.deepEqual(merged.interfaces, [
    { name: 'eth0', rxBytesPerSec: [0, 1000, 1000, 2000], txBytesPerSec: [10, 10, 10, 10] },
    { name: 'wg0', rxBytesPerSec: [null, null, 8, 9], txBytesPerSec: [null, null, 1, 1] },
  ]);
  // A disk absent from the newer points gets nulls there.
  assert.deepEqual(merged.disks[0]?.busyPct, [12, 12, null, null]);
  const deviceLists = new Set(['filesystems', 'interfaces', 'disks', 'gpus']);
  for (const [key, value] of Object.entries(merged)) {
    if (Array.isArray(value) && !deviceLists.has(key)) assert.equal(value.length, 4, key);
  }
});

void test('nothing newer leaves the series as it was', () => {
  const older = seriesFixture([10, 20]);
  assert.equal(appendSeries(older, seriesFixture([5, 20])), older);
  assert.equal(appendSeries(older, seriesFixture([])), older);
});

void test('dropBefore keeps the points at or after the bound', () => {
  const series = seriesFixture([10, 20, 30]);
  const kept = dropBefore(series, 20);
  assert.deepEqual(kept.ts, [20, 30]);
  assert.deepEqual(kept.cpuUserPct, [6, 7]);
  assert.deepEqual(kept.filesystems, [{ name: '/', usedPct: [70, 70] }]);
  assert.equal(dropBefore(series, 0), series);
  assert.deepEqual(dropBefore(series, 99).ts, []);
  assert.deepEqual(dropBefore(series, 99).interfaces[0]?.rxBytesPerSec, []);
});
