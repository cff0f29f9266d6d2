import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Sample } from '../../../lib/collect/sample.ts';
import { transactionWithCopy } from '../../../lib/db/copy-transaction.ts';
import type { CopyIn } from '../../../lib/db/copy-transaction.ts';
import type { Database } from '../../../lib/db/database.ts';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { applyPollResults } from '../../../lib/db/queries/apply-poll-results.ts';
import { insertSamples } from '../../../lib/db/queries/insert-samples.ts';
import type { SampleKey } from '../../../lib/db/queries/insert-samples.ts';
import { SAMPLE_COLUMNS } from '../../../lib/db/queries/sample-row.ts';
import { storeSamplesReturningKeys } from '../../../lib/db/queries/store-samples.ts';
import type { PollSuccess } from '../../../lib/poll/poll-messages.ts';
import { simulatedSamples } from '../../../lib/simulator/simulated-samples.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { testSample } from '../../support/test-samples.ts';

const T0 = Date.now() - 3_600_000;

interface Stored {
  keys: SampleKey[];
  /** COPY statements started, and how many of them failed (each then stored by the INSERT). */
  copies: number;
  failedCopies: number;
}

/** storeSamplesReturningKeys in a transaction of its own, counting the COPYs it ran and how they ended. */
async function store(db: Kysely<Database>, samples: Sample[]): Promise<Stored> {
  return transactionWithCopy(db, async (trx, copyIn) => {
    assert.ok(copyIn, 'a PostgreSQL database opened by openDatabase can COPY');
    let copies = 0;
    let failedCopies = 0;
    const observed: CopyIn = async (statement, chunks) => {
      copies++;
      try {
        return await copyIn(statement, chunks);
      } catch (error) {
        failedCopies++;
        throw error;
      }
    };
    return { keys: await storeSamplesReturningKeys(trx, samples, observed), copies, failedCopies };
  });
}

/** Every column but the host as PostgreSQL prints it, json columns byte for byte, in ts order. */
async function storedText(db: Kysely<Database>, host: string): Promise<Array<Record<string, string | null>>> {
  const columns = sql.raw(
    SAMPLE_COLUMNS.filter(([name]) => name !== 'host')
      .map(([name]) => `${name}::text AS ${name}`)
      .join(', '),
  );
  return (await sql<Record<string, string | null>>`SELECT ${columns} FROM samples WHERE host = ${host} ORDER BY ts`.execute(db)).rows;
}

async function countOf(db: Kysely<Database>, host: string): Promise<number> {
  const row = await db.selectFrom('samples').select((eb) => eb.fn.countAll().as('n')).where('host', '=', host).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A fresh database for the enclosing suite, with sample partitions from T0's day on. */
function suiteDatabase(kind: 'postgres' | 'pglite'): () => TestDatabase {
  let testDb: TestDatabase | undefined;
  before(async () => {
    testDb = await createTestDatabase(kind);
    await ensureSamplePartitions(testDb.db, T0);
  });
  after(async () => testDb?.close());
  return () => testDb as TestDatabase;
}

const renamed = (samples: Sample[], host: string): Sample[] => samples.map((sample) => ({ ...sample, host }));

void describe('storing the writer\'s samples with COPY on postgres', () => {
  const testDb = suiteDatabase('postgres');

  void test('a fresh batch goes in by one COPY, stored exactly as the INSERT path stores it', async () => {
    const samples = simulatedSamples('sim', T0, 60);
    // Values at the edges of each column's text: NaN, ±Infinity, -0, tiny and huge doubles, text needing escapes.
    const edge = samples[0] as Sample;
    Object.assign(edge, { cpuBusyPct: -0, load1: NaN, load5: Infinity, load15: -Infinity, uptimeSec: 1e300 / 3, netRxBytesPerSec: 5e-324 });
    edge.perCoreBusyPct = [-0, NaN, Infinity, 1e21, 2 ** 53 + 2, 12.345, -12.345, 0.005];
    edge.failedUnits = ['tab\there', 'new\nline', 'cr\rx', 'back\\slash', '\\N', '\\.', 'q"uote', 'ünï\u{1F600}'];
    const first = samples[1] as Sample;
    Object.assign(first, { cpuCount: null, memBuffersBytes: undefined, processes: undefined, cpuModes: null, missing: ['df'], rebooted: true });

    const copied = await store(testDb().db, renamed(samples, 'by-copy'));
    assert.deepEqual([copied.copies, copied.failedCopies], [1, 0]);
    assert.deepEqual(copied.keys, samples.map((sample) => ({ host: 'by-copy', ts: sample.ts })));
    assert.equal(await insertSamples(testDb().db, renamed(samples, 'by-insert')), samples.length);

    const byCopy = await storedText(testDb().db, 'by-copy');
    assert.equal(byCopy.length, samples.length);
    assert.deepEqual(byCopy, await storedText(testDb().db, 'by-insert'));
    assert.deepEqual(
      [byCopy[0]?.cpu_busy_pct, byCopy[0]?.load1, byCopy[0]?.load5, byCopy[0]?.load15, byCopy[1]?.cpu_count, byCopy[1]?.rebooted],
      ['0', 'NaN', 'Infinity', '-Infinity', null, 'true'],
    );
    assert.deepEqual(JSON.parse(byCopy[0]?.failed_units ?? 'null'), edge.failedUnits);
  });

  void test('host names with tabs, newlines, backslashes and COPY\'s own markers go in and out unchanged', async () => {
    const hosts = ['tab\thost', 'new\nline', 'cr\rhost', 'back\\slash\\', '\\N', 'N', '\\.', 'q"uote', ' spaced ', 'ünïcode-ホスト'];
    const samples = hosts.map((host, i) => testSample(host, T0 + i));
    const stored = await store(testDb().db, samples);
    assert.deepEqual([stored.copies, stored.failedCopies, stored.keys.length], [1, 0, hosts.length]);
    const rows = await testDb().db.selectFrom('samples').select(['host', 'ts']).where('host', 'in', hosts).orderBy('ts').execute();
    assert.deepEqual(rows.map((row) => [row.host, row.ts.getTime()]), samples.map((sample) => [sample.host, sample.ts]));
  });

  void test('a redelivered batch: the COPY fails on a stored sample, the INSERT stores nothing, none is new', async () => {
    const batch = Array.from({ length: 120 }, (_, i) => testSample(`again-${i % 3}`, T0 + i * 1000, { cpuBusyPct: 1 }));
    assert.equal((await store(testDb().db, batch)).keys.length, 120);
    // The redelivered copies carry other figures: what was stored first must stay.
    const redelivered = await store(testDb().db, batch.map((sample) => ({ ...sample, cpuBusyPct: 99 })));
    assert.deepEqual([redelivered.copies, redelivered.failedCopies, redelivered.keys], [1, 1, []]);
    const rows = await testDb().db.selectFrom('samples').select('cpu_busy_pct').where('host', 'like', 'again-%').execute();
    assert.equal(rows.length, 120);
    assert.ok(rows.every((row) => row.cpu_busy_pct === 1));
  });

  void test('a partly redelivered batch stores and returns only the new samples', async () => {
    const all = Array.from({ length: 300 }, (_, i) => testSample('overlap', T0 + i * 1000, { cpuBusyPct: i }));
    // Every third sample stored before, the last one of the batch included.
    const before = all.filter((_, i) => i % 3 === 2);
    assert.equal((await store(testDb().db, before)).keys.length, 100);
    const stored = await store(testDb().db, all.map((sample) => ({ ...sample, cpuBusyPct: -1 })));
    assert.deepEqual([stored.copies, stored.failedCopies], [1, 1]);
    assert.deepEqual(stored.keys, all.filter((_, i) => i % 3 !== 2).map((sample) => ({ host: 'overlap', ts: sample.ts })));
    const rows = await testDb().db.selectFrom('samples').select(['ts', 'cpu_busy_pct']).where('host', '=', 'overlap').orderBy('ts').execute();
    assert.deepEqual(rows.map((row) => row.cpu_busy_pct), all.map((_, i) => (i % 3 === 2 ? i : -1)));
  });

  void test('two copies of one sample in a batch: the first is stored, by the COPY itself', async () => {
    const first = testSample('twin', T0, { cpuBusyPct: 1 });
    const stored = await store(testDb().db, [first, testSample('twin', T0 + 1000), { ...first, cpuBusyPct: 2 }]);
    assert.deepEqual([stored.copies, stored.failedCopies], [1, 0]);
    assert.deepEqual(stored.keys, [{ host: 'twin', ts: T0 }, { host: 'twin', ts: T0 + 1000 }]);
    const rows = await testDb().db.selectFrom('samples').select('cpu_busy_pct').where('host', '=', 'twin').orderBy('ts').execute();
    assert.deepEqual(rows.map((row) => row.cpu_busy_pct), [1, 5]);
  });

  void test('any other error in the COPY fails the whole transaction, and the next one works', async () => {
    const samples = simulatedSamples('broken', T0, 500);
    // Late in the batch, so that the COPY is well under way when the server rejects it.
    (samples[450] as Sample).cpuCount = 1e12;
    await assert.rejects(
      transactionWithCopy(testDb().db, async (trx, copyIn) => {
        await trx.insertInto('hosts').values({ name: 'broken', address: 'broken', connection: 'ssh', groups: '[]', interval_sec: 10 }).execute();
        await storeSamplesReturningKeys(trx, samples, copyIn);
      }),
      (error: { code?: string }) => error.code === '22003',
    );
    assert.equal(await countOf(testDb().db, 'broken'), 0);
    assert.equal((await testDb().db.selectFrom('hosts').select('name').where('name', '=', 'broken').execute()).length, 0);
    // Every pooled connection takes the next batches, the one that failed included or replaced.
    const next = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store(testDb().db, simulatedSamples(`after-${i}`, T0, 50))),
    );
    assert.deepEqual(next.map((stored) => [stored.keys.length, stored.failedCopies]), Array.from({ length: 12 }, () => [50, 0]));
  });

  void test('a row the writer cannot even write out mid-COPY fails the transaction, and the next one works', async () => {
    const samples = simulatedSamples('unwritable', T0, 500);
    (samples[450] as Sample).ts = NaN;
    await assert.rejects(
      transactionWithCopy(testDb().db, (trx, copyIn) => storeSamplesReturningKeys(trx, samples, copyIn)),
      RangeError,
    );
    assert.equal(await countOf(testDb().db, 'unwritable'), 0);
    assert.equal((await store(testDb().db, samples.slice(0, 450))).keys.length, 450);
  });

  void test('writers applying overlapping batches at once store each result once and count it once', async () => {
    const results: PollSuccess[] = Array.from({ length: 400 }, (_, i) => {
      const ts = T0 + Math.floor(i / 4) * 10_000;
      return { kind: 'sample', host: `race-${i % 4}`, seq: Math.floor(i / 4), scheduledAt: ts, startedAt: ts, finishedAt: ts, sample: testSample(`race-${i % 4}`, ts) };
    });
    // Each writer gets 300 of the 400 results, every result in at least two writers' batches.
    const batches = [0, 1, 2, 3].map((skip) => results.filter((_, i) => Math.floor(i / 100) !== skip));
    await Promise.all(batches.map((batch) => applyPollResults(testDb().db, batch, { downAfter: 3 })));
    for (let h = 0; h < 4; h++) assert.equal(await countOf(testDb().db, `race-${h}`), 100);
    const hosts = await testDb().db.selectFrom('hosts').select(['status', 'last_sample_at']).where('name', 'like', 'race-%').execute();
    assert.deepEqual(hosts.map((host) => [host.status, host.last_sample_at?.getTime()]), Array.from({ length: 4 }, () => ['up', T0 + 990_000]));
  });

  void test('a Kysely that openDatabase did not make runs its transactions without COPY', async () => {
    const plain = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: testDb().url as string, max: 1 }) }) });
    try {
      const keys = await transactionWithCopy(plain, async (trx, copyIn) => {
        assert.equal(copyIn, null);
        return storeSamplesReturningKeys(trx, [testSample('plain', T0)], copyIn);
      });
      assert.deepEqual(keys, [{ host: 'plain', ts: T0 }]);
    } finally {
      await plain.destroy();
    }
  });
});

void describe('storing the writer\'s samples on pglite', () => {
  const testDb = suiteDatabase('pglite');

  void test('its transactions have no COPY: samples go by the INSERT, a redelivered one skipped', async () => {
    const samples = simulatedSamples('lite', T0, 20);
    const first = await transactionWithCopy(testDb().db, async (trx, copyIn) => {
      assert.equal(copyIn, null);
      return storeSamplesReturningKeys(trx, samples.slice(0, 10), copyIn);
    });
    assert.equal(first.length, 10);
    const second = await transactionWithCopy(testDb().db, (trx, copyIn) => storeSamplesReturningKeys(trx, samples, copyIn));
    assert.deepEqual(second, samples.slice(10).map((sample) => ({ host: 'lite', ts: sample.ts })));
    assert.equal(await countOf(testDb().db, 'lite'), 20);
  });
});
