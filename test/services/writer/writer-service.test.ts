import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { MessageBus, MessageHandler, SubscribeOptions, Subscription, TopicName, Topics } from '../../../lib/bus/message-bus.ts';
import { openDatabase } from '../../../lib/db/open-database.ts';
import type { OpenedDatabase } from '../../../lib/db/open-database.ts';
import { createLogger, silentLogger } from '../../../lib/log.ts';
import type { PollResult, PollSuccess } from '../../../lib/poll/poll-messages.ts';
import { startWriter } from '../../../services/writer/writer-service.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import { testSuccess } from '../../support/test-samples.ts';
import { waitUntil } from '../../support/wait-for.ts';
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

const T0 = Date.now() - 3_600_000;

const success = (host: string, seq: number): PollSuccess => testSuccess(host, seq, T0 + seq * 1000 + 5);


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
        await waitUntil('1,001 acknowledgements', 60_000, () => acked === 1001, 20);
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
        await waitUntil('two failed attempts', 60_000, () => lines.filter((line) => line.includes('retrying')).length >= 2, 20);
        assert.equal(acked, 0, 'nothing may be acknowledged while it is not stored');
        await sql`ALTER TABLE samples_away RENAME TO samples`.execute(testDb.db);
        await waitUntil('50 acknowledgements', 60_000, () => acked === 50, 20);
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
        await waitUntil('messages given back', 60_000, () => rejected >= 20, 20);
        await sql`ALTER TABLE samples_away RENAME TO samples`.execute(testDb.db);
        await waitUntil('20 acknowledgements', 60_000, () => acked === 20, 20);
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
