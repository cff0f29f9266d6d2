import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inStatementBatches } from '../../lib/db/statement-batches.ts';

void test('inStatementBatches: consecutive slices, each within 60,000 parameters and 10,000 rows, every row once', () => {
  const rows = Array.from({ length: 20_001 }, (_, i) => i);
  const sizes = (perRow: number) => [...inStatementBatches(rows, perRow)].map((batch) => batch.length);
  assert.deepEqual(sizes(8), [7500, 7500, 5001]);
  assert.deepEqual(sizes(1), [10_000, 10_000, 1]);
  assert.deepEqual(sizes(100_000), Array.from({ length: 20_001 }, () => 1));
  assert.deepEqual([...inStatementBatches(rows, 8)].flat(), rows);
  assert.deepEqual([...inStatementBatches([], 8)], []);
});
