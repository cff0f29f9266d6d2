import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import {
  dropSamplePartitionsBefore,
  ensureSamplePartitions,
  listSamplePartitions,
  samplePartitionName,
  startOfUtcDay,
} from '../../lib/db/ensure-sample-partitions.ts';
import { insertSamples } from '../../lib/db/queries/insert-samples.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { testSample } from '../support/test-samples.ts';

const DAY_MS = 86_400_000;

const sample = testSample;

async function partitionOf(testDb: TestDatabase, host: string, ts: number): Promise<string | undefined> {
  const result = await sql<{ part: string }>`
    SELECT tableoid::regclass::text AS part FROM samples WHERE host = ${host} AND ts = ${new Date(ts)}`.execute(testDb.db);
  return result.rows[0]?.part;
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`sample partitions on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('names partitions after the UTC day', () => {
      assert.equal(samplePartitionName(Date.UTC(2026, 10, 23)), 'samples_p20261123');
      assert.equal(startOfUtcDay(Date.UTC(2026, 10, 23, 23, 59, 59, 999)), Date.UTC(2026, 10, 23));
    });

    void test('creates today and the days ahead, idempotently, also when called concurrently', async () => {
      const now = Date.now();
      const today = startOfUtcDay(now);
      const expected = [0, 1, 2].map((n) => samplePartitionName(today + n * DAY_MS));
      const [first, second] = await Promise.all([
        ensureSamplePartitions(testDb.db, now),
        ensureSamplePartitions(testDb.db, now),
      ]);
      assert.deepEqual([...(first ?? []), ...(second ?? [])].sort(), expected);
      assert.deepEqual(await ensureSamplePartitions(testDb.db, now), []);
      assert.deepEqual(await listSamplePartitions(testDb.db), expected);

      await insertSamples(testDb.db, [sample('a', now), sample('a', today + DAY_MS + 5)]);
      assert.equal(await partitionOf(testDb, 'a', now), samplePartitionName(today));
      assert.equal(await partitionOf(testDb, 'a', today + DAY_MS + 5), samplePartitionName(today + DAY_MS));
    });

    void test('a sample 10 days ahead lands in the default partition, and moves when its day gets one', async () => {
      const ahead = Date.now() + 10 * DAY_MS;
      assert.equal(await insertSamples(testDb.db, [sample('b', ahead)]), 1);
      assert.equal(await partitionOf(testDb, 'b', ahead), 'samples_default');
      assert.deepEqual(await ensureSamplePartitions(testDb.db, ahead, 0), [samplePartitionName(startOfUtcDay(ahead))]);
      assert.equal(await partitionOf(testDb, 'b', ahead), samplePartitionName(startOfUtcDay(ahead)));
      const count = await testDb.db.selectFrom('samples').select((eb) => eb.fn.countAll().as('n')).where('host', '=', 'b').executeTakeFirstOrThrow();
      assert.equal(count.n, 1);
    });

    void test('dropSamplePartitionsBefore drops only the partitions wholly before the cutoff', async () => {
      const today = startOfUtcDay(Date.now());
      const old = today - 40 * DAY_MS;
      await ensureSamplePartitions(testDb.db, old, 1);
      await insertSamples(testDb.db, [sample('c', old + 1000), sample('c', old + DAY_MS + 1000)]);
      const before = await listSamplePartitions(testDb.db);
      // The cutoff falls inside the second old day: that day still holds data to keep.
      const dropped = await dropSamplePartitionsBefore(testDb.db, old + DAY_MS + 500);
      assert.deepEqual(dropped, [samplePartitionName(old)]);
      assert.deepEqual(await listSamplePartitions(testDb.db), before.filter((name) => name !== samplePartitionName(old)));
      const left = await testDb.db.selectFrom('samples').select('ts').where('host', '=', 'c').execute();
      assert.deepEqual(left.map((row) => row.ts.getTime()), [old + DAY_MS + 1000]);
      assert.ok((await listSamplePartitions(testDb.db)).includes(samplePartitionName(today)));
    });
  });
}
