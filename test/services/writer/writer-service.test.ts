import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { MessageBus, MessageHandler, SubscribeOptions, Subscription, TopicName, Topics } from '../../../lib/bus/message-bus.ts';
import type { Sample } from '../../../lib/collect/sample.ts';
import { openDatabase } from '../../../lib/db/open-database.ts';
import type { OpenedDatabase } from '../../../lib/db/open-database.ts';
import { createLogger, silentLogger } from '../../../lib/log.ts';
import type { PollResult, PollSuccess } from '../../../lib/poll/poll-messages.ts';
import { startWriter } from '../../../services/writer/writer-service.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

/** The real in-process bus, reporting each message its subscriber acknowledged or gave back. */
class ObservedBus implements MessageBus {
  readonly inner = new MemoryBus();
  constructor(
    private readonly onAck: (message: unknown) => void,
    private readonly onReject: (message: unknown) => void = () => {},
  ) {}
  publish<K extends TopicName>(topic: K, message: Topics[K]): Promise<void> {
    return this.inner.publish(topic, message);
  }
  subscribe<K extends TopicName>(topic: K, options: SubscribeOptions, handler: MessageHandler<Topics[K]>): Promise<Subscription> {
    return this.inner.subscribe(topic, options, async (message) => {
      try {
        await handler(message);
      } catch (error) {
        this.onReject(message);
        throw error;
      }
      this.onAck(message);
    });
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const T0 = Date.now() - 3_600_000;

function sample(host: string, ts: number): Sample {
  return {
    host, ts, cpuBusyPct: 5, cpuCount: 2, memTotalBytes: 1000, memAvailableBytes: 500, memUsedPct: 50,
    swapTotalBytes: 0, swapUsedBytes: 0, load1: 0.1, load5: 0.2, load15: 0.3, uptimeSec: 100,
    netRxBytesPerSec: 1, netTxBytesPerSec: 2, diskUsedPctMax: 30, filesystems: [], interfaces: [], missing: [],
  };
}

function success(host: string, seq: number): PollSuccess {
  const at = T0 + seq * 1000;
  return { kind: 'sample', host, seq, scheduledAt: at, startedAt: at, finishedAt: at + 5, sample: sample(host, at + 5) };
}

async function countSamples(db: OpenedDatabase['db'] | TestDatabase['db'], hostPrefix: string): Promise<number> {
  const row = await db.selectFrom('samples').select((eb) => eb.fn.countAll().as('n')).where('host', 'like', `${hostPrefix}%`).executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`writer service on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('1,000 results are stored exactly once, each acknowledged only once committed', async () => {
      // On PostgreSQL, a second pool sees only committed rows; PGlite has one connection only.
      const observer = kind === 'postgres' ? await openDatabase({ url: testDb.url as string }) : undefined;
      const checks: Array<Promise<boolean>> = [];
      let acked = 0;
      const bus = new ObservedBus((message) => {
        acked++;
        const result = message as PollSuccess;
        if (observer) {
          checks.push(
            observer.db
              .selectFrom('samples')
              .select('host')
              .where('host', '=', result.host)
              .where('ts', '=', new Date(result.sample.ts))
              .execute()
              .then((rows) => rows.length === 1),
          );
        }
      });
      const writer = await startWriter({ bus, db: testDb.db, log: silentLogger });
      try {
        const results: PollResult[] = [];
        for (let seq = 1; seq <= 100; seq++) for (let h = 0; h < 10; h++) results.push(success(`bulk-${h}`, seq));
        for (const result of results) await bus.publish('poll.results', result);
        // Redelivered: the same result again.
        await bus.publish('poll.results', results[500] as PollResult);
        await waitFor('1,001 acknowledgements', () => acked === 1001);
        assert.equal(await countSamples(testDb.db, 'bulk-'), 1000);
        const seen = await Promise.all(checks);
        assert.equal(seen.filter((found) => !found).length, 0, 'a message was acknowledged before its sample was visible');
        const hosts = await testDb.db.selectFrom('hosts').select(['name', 'status', 'last_sample_at']).where('name', 'like', 'bulk-%').orderBy('name').execute();
        assert.equal(hosts.length, 10);
        for (const host of hosts) assert.deepEqual([host.status, host.last_sample_at?.getTime()], ['up', T0 + 100_000 + 5]);
      } finally {
        await writer.stop();
        await bus.close();
        await observer?.close();
      }
    });

    void test('while the samples table is unusable the writer retries, then stores everything', async () => {
      const lines: string[] = [];
      const log = createLogger({}, { level: 'debug', write: (line) => lines.push(line) });
      let acked = 0;
      const bus = new ObservedBus(() => acked++);
      const writer = await startWriter({ bus, db: testDb.db, log, retryDelayMs: 50, maxRetryDelayMs: 200, maxAttempts: 1000, flushIntervalMs: 20 });
      try {
        await sql`ALTER TABLE samples RENAME TO samples_away`.execute(testDb.db);
        for (let seq = 1; seq <= 50; seq++) await bus.publish('poll.results', success('retry', seq));
        await waitFor('two failed attempts', () => lines.filter((line) => line.includes('retrying')).length >= 2);
        assert.equal(acked, 0, 'nothing may be acknowledged while it is not stored');
        await sql`ALTER TABLE samples_away RENAME TO samples`.execute(testDb.db);
        await waitFor('50 acknowledgements', () => acked === 50);
        assert.equal(await countSamples(testDb.db, 'retry'), 50);
        assert.ok(lines.some((line) => line.includes('stored poll results after retrying')));
      } finally {
        await writer.stop();
        await bus.close();
      }
    });

    void test('a batch that finally fails is given back to the bus and stored on redelivery', async () => {
      let acked = 0;
      let rejected = 0;
      const bus = new ObservedBus(
        () => acked++,
        () => rejected++,
      );
      const writer = await startWriter({ bus, db: testDb.db, log: silentLogger, retryDelayMs: 10, maxAttempts: 2, flushIntervalMs: 20 });
      try {
        await sql`ALTER TABLE samples RENAME TO samples_away`.execute(testDb.db);
        for (let seq = 1; seq <= 20; seq++) await bus.publish('poll.results', success('given-back', seq));
        await waitFor('messages given back', () => rejected >= 20);
        await sql`ALTER TABLE samples_away RENAME TO samples`.execute(testDb.db);
        await waitFor('20 acknowledgements', () => acked === 20);
        assert.equal(await countSamples(testDb.db, 'given-back'), 20);
      } finally {
        await writer.stop();
        await bus.close();
      }
    });

    void test('stop() writes what is pending at once and settles every message', async () => {
      let acked = 0;
      const bus = new ObservedBus(() => acked++);
      const writer = await startWriter({ bus, db: testDb.db, log: silentLogger, flushIntervalMs: 600_000, batchSize: 1000 });
      for (let seq = 1; seq <= 7; seq++) await bus.publish('poll.results', success('at-stop', seq));
      await writer.stop();
      assert.equal(acked, 7);
      assert.equal(await countSamples(testDb.db, 'at-stop'), 7);
      await bus.close();
    });
  });
}
