import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compactHistory } from '../../../lib/db/chunks/compact-history.ts';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { insertSamples } from '../../../lib/db/queries/insert-samples.ts';
import { selectProcessesAt } from '../../../lib/db/queries/select-processes-at.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { simulatedSamples } from '../../../lib/simulator/simulated-samples.ts';

const H = 3_600_000;
const START = Date.parse('2026-11-20T20:00:00.000Z');

for (const kind of ['pglite', 'postgres'] as const) {
  void describe(`selectProcessesAt on ${kind}`, () => {
    let testDb: TestDatabase;
    const samples = simulatedSamples('p', START, 2 * 360);
    before(async () => {
      testDb = await createTestDatabase(kind);
      await testDb.db.insertInto('hosts').values({ name: 'p', address: 'p', connection: 'ssh', groups: '[]', interval_sec: 10 }).execute();
      await ensureSamplePartitions(testDb.db, START, 1);
      await insertSamples(testDb.db, samples);
    });
    after(async () => testDb?.close());

    void test('the newest full poll at or before the moment, from the table and then from its chunk', async () => {
      const at = START + 20 * 60_000 + 25_000;
      const full = samples.filter((sample) => sample.processes !== undefined && sample.ts <= at).at(-1);
      assert.ok(full?.processes);
      const expected = { ts: full.ts, processes: JSON.parse(JSON.stringify(full.processes)) as unknown };
      const stored = await selectProcessesAt(testDb.db, { host: 'p', atMs: at });
      assert.equal(stored?.ts, expected.ts);
      assert.deepEqual(stored?.processes.topCpu.map((p) => p.pid), full.processes.topCpu.map((p) => p.pid));
      await compactHistory(testDb.db, { beforeMs: START + H, kinds: ['raw'] });
      assert.equal(await testDb.db.selectFrom('samples').select('ts').where('ts', '<', new Date(START + H)).executeTakeFirst(), undefined);
      assert.deepEqual(await selectProcessesAt(testDb.db, { host: 'p', atMs: at }), stored);
    });

    void test('null without a full poll in the lookback, undefined for an unknown host', async () => {
      assert.equal(await selectProcessesAt(testDb.db, { host: 'p', atMs: START - 1 }), null);
      assert.equal(await selectProcessesAt(testDb.db, { host: 'p', atMs: START + 30 * 60_000, lookbackMs: 5_000 }), null);
      assert.equal(await selectProcessesAt(testDb.db, { host: 'nope', atMs: START }), undefined);
    });
  });
}
