// Compaction passes that run together or stop between spans; in a file of their own so that each
// file's databases are seeded within the runner's per-file time under load.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { compactHistory } from '../../../lib/db/chunks/compact-history.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { NEXT_DAY, allRows, storeHistory, tableCount } from '../../support/stored-history.ts';

void describe('compactHistory on postgres, two at once', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
    await storeHistory(testDb.db);
  });
  after(async () => testDb?.close());

  void test('two passes running together move every row once', async () => {
    const expected = await allRows(testDb.db);
    const [one, two] = await Promise.all([
      compactHistory(testDb.db, { beforeMs: NEXT_DAY }),
      compactHistory(testDb.db, { beforeMs: NEXT_DAY }),
    ]);
    assert.equal((one?.rows ?? 0) + (two?.rows ?? 0), 2 * (3 * 360 + 2) + 2 * 180);
    assert.deepEqual(await allRows(testDb.db), expected);
    const perSpan = await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM sample_chunks GROUP BY kind, host, start_ts HAVING count(*) > 1`.execute(testDb.db);
    assert.deepEqual(perSpan.rows, []);
    assert.equal(await tableCount(testDb.db, 'samples'), 2 * 30);
  });
});

void describe('compactHistory on postgres, stopped between spans', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
    await storeHistory(testDb.db);
  });
  after(async () => testDb?.close());

  void test('leaves the rest for the next pass, which finishes it', async () => {
    const expected = await allRows(testDb.db);
    let spans = 0;
    const first = await compactHistory(testDb.db, { beforeMs: NEXT_DAY, shouldStop: () => ++spans > 2 });
    assert.equal(first.complete, false);
    assert.equal(first.chunks, 2);
    assert.deepEqual(await allRows(testDb.db), expected);
    const second = await compactHistory(testDb.db, { beforeMs: NEXT_DAY });
    assert.equal(second.complete, true);
    assert.equal(first.rows + second.rows, 2 * (3 * 360 + 2) + 2 * 180);
    assert.deepEqual(await allRows(testDb.db), expected);
  });
});
