import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stackColumns } from '../../web/src/chart-stack.ts';

void test('each series becomes the running sum of those below it; a null is a gap that adds nothing', () => {
  const { columns, bands } = stackColumns([
    [10, 20, null],
    [5, null, 5],
    [1, 1, 1],
  ]);
  assert.deepEqual(columns, [
    [10, 20, null],
    [15, null, 5],
    [16, 21, 6],
  ]);
  assert.deepEqual(bands, [{ series: [2, 1] }, { series: [3, 2] }]);
});

void test('no series, no bands', () => {
  assert.deepEqual(stackColumns([]), { columns: [], bands: [] });
});
