import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureSamplePartitions, listSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { applyRetention } from '../../../lib/db/rollups/apply-retention.ts';
import { ensureRollupPartitions, listRollupPartitions } from '../../../lib/db/rollups/rollup-partitions.ts';
import { recordRollupProgress } from '../../../lib/db/rollups/rollup-progress.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-11-23T10:30:00.000Z');

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`applyRetention on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      // Raw: 2026-11-07 … 2026-11-11 (16 to 12 days old) and today.
      await ensureSamplePartitions(testDb.db, NOW - 16 * DAY_MS, 4);
      await ensureSamplePartitions(testDb.db, NOW, 0);
      // Rollups: 2025-09 … 2025-11 (older than 400 days up to 2025-10-19) and this month.
      for (const resolution of ['1m', '1h'] as const) {
        await ensureRollupPartitions(testDb.db, resolution, Date.parse('2025-09-15T00:00:00Z'), Date.parse('2025-11-15T00:00:00Z'));
        await ensureRollupPartitions(testDb.db, resolution, NOW, NOW);
      }
    });
    after(async () => testDb?.close());

    void test('raw partitions stay while the rollups have not been built past them', async () => {
      const result = await applyRetention(testDb.db, { rawDays: 14, rollupDays: 400, now: NOW });
      assert.deepEqual(result.raw, []);
      // Rollup retention does not wait on anything: 2025-09 ended more than 400 days ago.
      assert.deepEqual(result.rollups.sort(), ['samples_1h_p202509', 'samples_1m_p202509']);
      await recordRollupProgress(testDb.db, '1m', NOW);
      // Hourly rollups built only to the end of 2026-11-07: that day may go, no later one.
      await recordRollupProgress(testDb.db, '1h', Date.parse('2026-11-08T00:00:00Z'));
      assert.deepEqual((await applyRetention(testDb.db, { rawDays: 14, rollupDays: 400, now: NOW })).raw, ['samples_p20261107']);
    });

    void test('drops only the partitions wholly older than retention, and old rows of the default partitions', async () => {
      await recordRollupProgress(testDb.db, '1h', NOW - 60 * 60_000);
      await testDb.db
        .insertInto('samples_1h')
        .values([
          { host: 'a', bucket: new Date('2025-10-01T00:00:00Z'), sample_count: 1 },
          { host: 'a', bucket: new Date('2025-10-20T00:00:00Z'), sample_count: 1 },
          // No partition for 2024: sits in the default partition, deleted by row.
          { host: 'a', bucket: new Date('2024-06-01T00:00:00Z'), sample_count: 1 },
        ])
        .execute();
      const result = await applyRetention(testDb.db, { rawDays: 14, rollupDays: 400, now: NOW });
      // 2026-11-08 (15 days old) and 2026-11-09, ending at or before 14 days ago (11-09 10:30).
      assert.deepEqual(result.raw, ['samples_p20261108']);
      assert.deepEqual(result.rollups, []);
      assert.deepEqual(await listSamplePartitions(testDb.db), ['samples_p20261109', 'samples_p20261110', 'samples_p20261111', 'samples_p20261123']);
      assert.deepEqual(
        (await listRollupPartitions(testDb.db, '1h')).map((p) => p.name),
        ['samples_1h_p202510', 'samples_1h_p202511', 'samples_1h_p202611'],
      );
      const left = await testDb.db.selectFrom('samples_1h').select('bucket').orderBy('bucket').execute();
      assert.deepEqual(left.map((row) => row.bucket.toISOString()), ['2025-10-01T00:00:00.000Z', '2025-10-20T00:00:00.000Z']);
      // Nothing more to drop on a second run.
      assert.deepEqual(await applyRetention(testDb.db, { rawDays: 14, rollupDays: 400, now: NOW }), { raw: [], rollups: [], chunks: 0, records: { pollFailures: 0, alertHistory: 0, notifications: 0, alerts: 0, alertEpisodes: 0, statusIncidents: 0 } });
    });

    void test('expires compacted hours on the schedule of the rows they hold', async () => {
      const HOUR = 3_600_000;
      const chunk = (kind: 'raw' | '1m', endMs: number) => ({
        kind, host: 'a', start_ts: new Date(endMs - HOUR), end_ts: new Date(endMs), row_count: 1, payload: Buffer.from([1]),
      });
      // Raw: ending 14 days and 1 hour ago, exactly 14 days ago, and 13 days ago.
      // Minutes: ending before and after 2025-10-19 10:30, 400 days ago.
      await testDb.db
        .insertInto('sample_chunks')
        .values([
          chunk('raw', NOW - 14 * DAY_MS - HOUR),
          chunk('raw', NOW - 14 * DAY_MS),
          chunk('raw', NOW - 13 * DAY_MS),
          chunk('1m', Date.parse('2025-10-19T10:00:00Z')),
          chunk('1m', Date.parse('2025-10-19T11:00:00Z')),
        ])
        .execute();
      assert.equal((await applyRetention(testDb.db, { rawDays: 14, rollupDays: 400, now: NOW })).chunks, 3);
      const left = await testDb.db.selectFrom('sample_chunks').select(['kind', 'end_ts']).orderBy(['kind', 'end_ts']).execute();
      assert.deepEqual(left.map((row) => [row.kind, row.end_ts.toISOString()]), [
        ['1m', '2025-10-19T11:00:00.000Z'],
        ['raw', new Date(NOW - 13 * DAY_MS).toISOString()],
      ]);
    });
  });
}
