// Migration 0015's columns end to end: a sample's service checks and SNMP device report go in with
// insertSamples, survive compaction into chunks (and chunks written before the columns existed read
// them as null), and the host detail shows the newest checks, a failed poll's included.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CheckResult } from '../../../lib/checks/check-result.ts';
import { chunkColumnTypes } from '../../../lib/db/chunks/chunked-tables.ts';
import { encodeChunk, openChunk } from '../../../lib/db/chunks/chunk-payload.ts';
import type { ChunkValue } from '../../../lib/db/chunks/chunk-payload.ts';
import { compactHistory } from '../../../lib/db/chunks/compact-history.ts';
import { selectStoredRows } from '../../../lib/db/chunks/select-stored-rows.ts';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { applyPollResults } from '../../../lib/db/queries/apply-poll-results.ts';
import { insertSamples } from '../../../lib/db/queries/insert-samples.ts';
import { selectHostDetail } from '../../../lib/db/queries/select-host-detail.ts';
import type { SnmpReport } from '../../../lib/snmp/poll-snmp.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { testSample } from '../../support/test-samples.ts';

const HOUR_MS = 3_600_000;
const T0 = Date.parse('2026-11-20T21:00:00.000Z');
const NEXT_DAY = Date.parse('2026-11-21T00:00:00.000Z');

function checksAt(i: number): CheckResult[] {
  return [
    {
      id: 'http:https://shop.example/health', kind: 'http', ok: i % 3 !== 0, ...(i % 3 === 0 && { reason: 'status' as const, message: 'status 503, expected 200-299' }),
      statusCode: i % 3 === 0 ? 503 : 200, latencyMs: 12.5 + i, connectMs: 1.25, certDaysLeft: 40, certExpiresAt: '2027-01-01T00:00:00.000Z', certExpiring: false,
    },
    { id: 'tcp:db.example:5432', kind: 'tcp', ok: true, latencyMs: 0.5 },
    { id: 'systemd:nginx.service', kind: 'systemd', ok: true, message: 'active (running)', loadState: 'loaded', activeState: 'active', subState: 'running' },
  ];
}

// A plain object in the report's shape: the storage neither knows nor checks what a report holds.
const DEVICE = {
  profile: 'printer', system: { sysDescr: 'HP LaserJet "M404"', sysUpTimeSec: 12345, sysName: 'printer-2' },
  printerStatus: 'idle', deviceStatus: 'running', detectedErrors: [],
  supplies: [{ index: 1, description: 'Black Toner', kind: 'toner', levelPct: 17, capacity: 100 }], pageCount: 48213, alerts: [], errors: [],
} as unknown as SnmpReport;

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`samples.checks and samples.device on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await ensureSamplePartitions(testDb.db, T0, 1);
    });
    after(async () => testDb?.close());

    void test('go in with the sample and read back as written; absent and null are SQL NULL', async () => {
      const ts = T0 + 1000;
      await insertSamples(testDb.db, [
        testSample('with', ts, { checks: checksAt(1), device: DEVICE }),
        testSample('without', ts),
        testSample('nulls', ts, { checks: null, device: null }),
      ]);
      const rows = await testDb.db.selectFrom('samples').select(['host', 'checks', 'device']).where('ts', '=', new Date(ts)).orderBy('host').execute();
      assert.deepEqual(rows, [
        { host: 'nulls', checks: null, device: null },
        { host: 'with', checks: checksAt(1), device: DEVICE },
        { host: 'without', checks: null, device: null },
      ]);
    });

    void test('survive compaction into a chunk, and read back the same through selectStoredRows', async () => {
      const samples = Array.from({ length: 360 }, (_, i) => testSample('compacted', T0 + HOUR_MS + i * 10_000, {
        // Some polls without checks (a host whose inventory changed), one with a device.
        ...(i % 50 !== 7 && { checks: checksAt(i) }),
        ...(i === 3 && { device: DEVICE }),
      }));
      await insertSamples(testDb.db, samples);
      const range = { fromMs: T0, toMs: NEXT_DAY };
      const beforeRows = await selectStoredRows(testDb.db, 'raw', 'compacted', range, { columns: ['checks', 'device'], json: 'values' });
      const result = await compactHistory(testDb.db, { beforeMs: NEXT_DAY });
      assert.ok(result.rows >= 359, `compacted ${result.rows} rows`);
      // The host's newest sample is copied into the chunk but also stays in the table (compact-history.ts).
      const left = await testDb.db.selectFrom('samples').select('ts').where('host', '=', 'compacted').execute();
      assert.deepEqual(left.map((row) => row.ts.getTime()), [T0 + HOUR_MS + 359 * 10_000]);
      const chunk = await testDb.db.selectFrom('sample_chunks').select('payload').where('host', '=', 'compacted').where('kind', '=', 'raw').executeTakeFirstOrThrow();
      assert.ok(openChunk(chunk.payload).columnNames.includes('checks'));
      const afterRows = await selectStoredRows(testDb.db, 'raw', 'compacted', range, { columns: ['checks', 'device'], json: 'values' });
      assert.deepEqual(afterRows, beforeRows);
      assert.deepEqual(afterRows.map((row) => row['checks']), samples.map((sample) => sample.checks ?? null));
      assert.deepEqual(afterRows[3]?.['device'], DEVICE);
      assert.equal(afterRows[4]?.['device'], null);
    });

    void test('a chunk payload written before migration 0015 reads both columns as null', async () => {
      const types = chunkColumnTypes('raw');
      types.delete('checks');
      types.delete('device');
      const columns = new Map<string, ChunkValue[]>([...types.keys()].map((name) => [name, [name === 'at_us' ? T0 * 1000 : null]]));
      const payload = await encodeChunk(types, { rowCount: 1, columns });
      const opened = openChunk(payload);
      assert.ok(!opened.columnNames.includes('checks'));
      assert.deepEqual(opened.values('checks'), [null]);
      assert.deepEqual(opened.values('device'), [null]);
      assert.deepEqual(opened.jsonValues('checks'), [null]);
    });

    void test('the host detail shows the newest checks and device, from a failed poll when it is newer', async () => {
      const host = 'detail';
      const ts = T0 + 2 * HOUR_MS;
      assert.equal((await selectHostDetail(testDb.db, 'nobody')), null);
      await applyPollResults(testDb.db, [{ kind: 'sample', host, seq: 1, scheduledAt: ts - 5, startedAt: ts - 5, finishedAt: ts, sample: testSample(host, ts, { checks: checksAt(1), device: DEVICE }) }], { downAfter: 3 });
      let detail = await selectHostDetail(testDb.db, host);
      assert.deepEqual(detail?.checks, { ts: new Date(ts).toISOString(), pollFailed: false, results: checksAt(1) });
      assert.deepEqual(detail?.latest?.device, DEVICE);

      // SSH down: the web check still ran and is the newest word on it.
      const webOnly = checksAt(3).slice(0, 2);
      await applyPollResults(testDb.db, [{
        kind: 'failure', host, seq: 2, scheduledAt: ts + 10_000, startedAt: ts + 10_000, finishedAt: ts + 10_005, reason: 'refused', message: 'connection refused', checks: webOnly,
      }], { downAfter: 3 });
      detail = await selectHostDetail(testDb.db, host);
      assert.deepEqual(detail?.checks, { ts: new Date(ts + 10_005).toISOString(), pollFailed: true, results: webOnly });
      const stored = await testDb.db.selectFrom('poll_failures').select(['checks']).where('host', '=', host).executeTakeFirstOrThrow();
      assert.deepEqual(stored.checks, webOnly);

      // A failure without checks (a host with systemd checks only) does not hide the sample's.
      await applyPollResults(testDb.db, [{ kind: 'sample', host, seq: 3, scheduledAt: ts + 20_000, startedAt: ts + 20_000, finishedAt: ts + 20_000, sample: testSample(host, ts + 20_000, { checks: checksAt(2) }) }], { downAfter: 3 });
      await applyPollResults(testDb.db, [{ kind: 'failure', host, seq: 4, scheduledAt: ts + 30_000, startedAt: ts + 30_000, finishedAt: ts + 30_000, reason: 'timeout-connect', message: 'no answer' }], { downAfter: 3 });
      detail = await selectHostDetail(testDb.db, host);
      assert.deepEqual(detail?.checks, { ts: new Date(ts + 20_000).toISOString(), pollFailed: false, results: checksAt(2) });
      assert.equal(detail?.latest?.device, null);

      // A host without checks has none.
      await applyPollResults(testDb.db, [{ kind: 'sample', host: 'plain', seq: 1, scheduledAt: ts, startedAt: ts, finishedAt: ts, sample: testSample('plain', ts) }], { downAfter: 3 });
      assert.equal((await selectHostDetail(testDb.db, 'plain'))?.checks, null);
    });
  });
}
