import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { compactHistory } from '../../../lib/db/chunks/compact-history.ts';
import { STORED_TABLES } from '../../../lib/db/chunks/chunked-tables.ts';
import { selectStoredRows, selectTableRows } from '../../../lib/db/chunks/select-stored-rows.ts';
import { listSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { insertSamples } from '../../../lib/db/queries/insert-samples.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { simulatedSamples } from '../../../lib/simulator/simulated-samples.ts';
import { EVERYTHING, HOSTS, HOUR_MS, NEXT_DAY, T0, allRows, storeHistory, tableCount } from '../../support/stored-history.ts';

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`compactHistory on ${kind}`, () => {
    let testDb: TestDatabase;
    let before_: Record<string, unknown>;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await storeHistory(testDb.db);
      before_ = await allRows(testDb.db);
    });
    after(async () => testDb?.close());

    void test('reads every stored column of every row through selectStoredRows, json as its text', async () => {
      const raw = before_['raw:a'] as Record<string, unknown>[];
      assert.equal(raw.length, 3 * 360 + 2 + 30);
      const direct = await sql<Record<string, unknown>>`
        SELECT filesystems::text AS filesystems, missing::text AS missing, cpu_busy_pct, net_tx_bps FROM samples WHERE host = 'a' ORDER BY ts`.execute(testDb.db);
      assert.deepEqual(
        raw.map((row) => [row['filesystems'], row['missing'], row['cpu_busy_pct'], row['net_tx_bps']]),
        direct.rows.map((row) => [row['filesystems'], row['missing'], row['cpu_busy_pct'], row['net_tx_bps']]),
      );
      assert.equal(raw[1]?.['missing'], '["disks","pressure"]');
      assert.equal(raw[1]?.['cpu_count'], null);
      assert.ok(Number.isNaN(raw[2]?.['cpu_busy_pct']));
      assert.equal(raw[2]?.['net_rx_bps'], Number.POSITIVE_INFINITY);
      assert.equal(Object.keys(raw[0] ?? {}).length, STORED_TABLES.raw.columns.size + 1);
      const parsed = before_['raw:a:parsed'] as Record<string, unknown>[];
      assert.deepEqual(parsed[1]?.['missing'], ['disks', 'pressure']);
      assert.deepEqual(parsed.map((row) => row['filesystems']), raw.map((row) => JSON.parse(row['filesystems'] as string) as unknown));
    });

    void test('moves closed hours into chunks; every value reads back exactly', async () => {
      const result = await compactHistory(testDb.db, { beforeMs: NEXT_DAY });
      // A chunk per host and hour, of samples (3 hours × 2 hosts) and of minutes.
      const chunks = await testDb.db.selectFrom('sample_chunks').select(['kind', 'host', 'start_ts', 'end_ts', 'row_count']).orderBy(['kind', 'host', 'start_ts']).execute();
      assert.deepEqual(
        chunks.map((c) => [c.kind, c.host, c.start_ts.toISOString(), c.end_ts.getTime() - c.start_ts.getTime(), c.row_count]),
        (['1m', 'raw'] as const).flatMap((kind) =>
          HOSTS.flatMap((host) => [0, 1, 2].map((h) => [kind, host, new Date(T0 + h * HOUR_MS).toISOString(), HOUR_MS, kind === '1m' ? 60 : h === 0 ? 362 : 360])),
        ),
      );
      assert.equal(result.rows, 2 * (3 * 360 + 2) + 2 * 180);
      assert.deepEqual(await allRows(testDb.db), before_);
      // Left in the tables: the rows of the open day only.
      assert.equal(await tableCount(testDb.db, 'samples'), 2 * 30);
      // 00:00:10 … 00:05:00 of the open day: six minutes each.
      assert.equal(await tableCount(testDb.db, 'samples_1m'), 2 * 6);
      // The emptied day's partition is gone; the next day's stays.
      assert.deepEqual(await listSamplePartitions(testDb.db), ['samples_p20261121']);
      assert.deepEqual(result.partitions, ['samples_p20261120']);
    });

    void test('a second run changes nothing', async () => {
      const payloads = await testDb.db.selectFrom('sample_chunks').select(['kind', 'host', 'start_ts', 'payload']).orderBy(['kind', 'host', 'start_ts']).execute();
      assert.deepEqual(await compactHistory(testDb.db, { beforeMs: NEXT_DAY }), { chunks: 0, rows: 0, partitions: [], complete: true });
      assert.deepEqual(
        await testDb.db.selectFrom('sample_chunks').select(['kind', 'host', 'start_ts', 'payload']).orderBy(['kind', 'host', 'start_ts']).execute(),
        payloads,
      );
    });

    void test('a late sample and a redelivered one for a compacted hour are read once, then merged into its chunk', async () => {
      const late = simulatedSamples('a', T0 + HOUR_MS + 5_000, 1);
      const [original] = simulatedSamples('a', T0 + HOUR_MS, 1);
      assert.ok(original);
      // The writer stores both: its ON CONFLICT sees only the table, from which the hour has gone.
      assert.equal(await insertSamples(testDb.db, [...late, original]), 2);
      const read = (await selectStoredRows(testDb.db, 'raw', 'a', { fromMs: T0 + HOUR_MS, toMs: T0 + HOUR_MS + 10_000 }, { columns: ['cpu_busy_pct'] })).map((row) => row.at_us / 1000);
      assert.deepEqual(read, [T0 + HOUR_MS, T0 + HOUR_MS + 5_000, T0 + HOUR_MS + 10_000]);

      const result = await compactHistory(testDb.db, { beforeMs: NEXT_DAY });
      assert.deepEqual(result, { chunks: 1, rows: 2, partitions: [], complete: true });
      const rows = await selectStoredRows(testDb.db, 'raw', 'a', EVERYTHING);
      assert.equal(rows.length, 3 * 360 + 2 + 30 + 1);
      const tableRows = await selectTableRows(testDb.db, 'raw', 'a', EVERYTHING, ['cpu_busy_pct']);
      assert.equal(tableRows.length, 30);
    });

    void test('the newest sample and the newest full poll of a host stay in the table too', async () => {
      // Host c polled until 23:59:40 only, its newest full poll before that (one in six is full).
      const samples = simulatedSamples('c', T0 + 2 * HOUR_MS, 359);
      await insertSamples(testDb.db, samples);
      await compactHistory(testDb.db, { beforeMs: NEXT_DAY, kinds: ['raw'] });
      const kept = await selectTableRows(testDb.db, 'raw', 'c', EVERYTHING, ['processes']);
      const newestFull = samples.filter((sample) => sample.processes !== undefined).at(-1);
      assert.deepEqual(
        kept.map((row) => row.at_us / 1000),
        [newestFull?.ts, samples.at(-1)?.ts],
      );
      assert.equal((await selectStoredRows(testDb.db, 'raw', 'c', EVERYTHING, { columns: [] })).length, 359);
      // Compacting again finds nothing to do: the kept rows are not candidates.
      assert.deepEqual(await compactHistory(testDb.db, { beforeMs: NEXT_DAY, kinds: ['raw'] }), { chunks: 0, rows: 0, partitions: [], complete: true });
    });
  });
}
