import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ensureSamplePartitions } from '../../../lib/db/ensure-sample-partitions.ts';
import { ackAlert } from '../../../lib/db/queries/ack-alert.ts';
import { applyPollResults } from '../../../lib/db/queries/apply-poll-results.ts';
import { saveAlert } from '../../../lib/db/queries/save-alert.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { LiveEvent } from '../../../lib/web/live-event.ts';
import { toApiAlert } from '../../../lib/web/api-alert.ts';
import { createChangeFeed, type ChangeFeed } from '../../../services/web/change-feed.ts';
import { storedAlert } from '../../db/queries/alert-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { testSuccess } from '../../support/test-samples.ts';
import { waitFor } from '../../support/wait-for.ts';

const T0 = Date.now() - 600_000;
const DOWN_AFTER = { downAfter: 2 };

/** Everything a listener got, flattened, and a way to wait for one event. */
function recorder(feed: ChangeFeed) {
  const events: LiveEvent[] = [];
  const unsubscribe = feed.subscribe((batch) => events.push(...batch));
  const next = <T>(what: string, pick: (event: LiveEvent) => T | undefined, from = 0): Promise<T> =>
    waitFor(what, 10_000, () => {
      for (const event of events.slice(from)) {
        const found = pick(event);
        if (found !== undefined) return found;
      }
      return undefined;
    }, 20);
  return { events, unsubscribe, next };
}

const sampledHosts = (event: LiveEvent): string[] | undefined => (event.type === 'samples' ? event.data.hosts.map((h) => h.name).sort() : undefined);

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`the change feed on ${kind}`, () => {
    let testDb: TestDatabase;
    let feed: ChangeFeed;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await ensureSamplePartitions(testDb.db, T0);
      await applyPollResults(testDb.db, [testSuccess('web1', 1, T0 + 1000), testSuccess('web2', 1, T0 + 1000)], DOWN_AFTER);
      feed = createChangeFeed({ db: testDb.db, log: silentLogger, everyMs: 50 });
    });
    after(async () => {
      await feed?.stop();
      await testDb?.close();
    });

    void test('stored samples, status changes and alert changes arrive as events, samples of one commit in one event', async () => {
      const { db } = testDb;
      const live = recorder(feed);
      try {
        await feed.whenReady();
        await applyPollResults(db, [testSuccess('web1', 2, T0 + 2000), testSuccess('web2', 2, T0 + 2000)], DOWN_AFTER);
        const samples = await live.next('the samples event', (e) => (e.type === 'samples' ? e.data : undefined));
        assert.deepEqual(samples, { hosts: [{ name: 'web1', ts: T0 + 2000 }, { name: 'web2', ts: T0 + 2000 }] });

        const failure = { kind: 'failure', host: 'web2', seq: 3, scheduledAt: T0 + 3000, startedAt: T0 + 3000, finishedAt: T0 + 3050, reason: 'refused', message: 'connection refused' } as const;
        await applyPollResults(db, [failure], DOWN_AFTER);
        const status = await live.next('the host event', (e) => (e.type === 'host' ? e.data : undefined));
        assert.deepEqual(status, { name: 'web2', status: 'up', statusReason: 'refused', statusMessage: 'connection refused' });

        const alert = storedAlert({ key: 'cpu|web1', host: 'web1', rule: 'cpu' });
        await saveAlert(db, alert);
        assert.deepEqual(await live.next('the firing alert', (e) => (e.type === 'alert' ? e.data : undefined)), toApiAlert(alert));
        const seen = live.events.length;
        await ackAlert(db, alert.key, { by: 'ann', comment: 'looking', at: alert.lastEventAt + 1 });
        const acked = await live.next('the acknowledged alert', (e) => (e.type === 'alert' ? e.data : undefined), seen);
        assert.deepEqual(acked.ack?.by, 'ann');

        // Nothing was told twice.
        assert.deepEqual(live.events.map((e) => e.type), ['samples', 'host', 'alert', 'alert']);
      } finally {
        live.unsubscribe();
      }
    });

    void test('after the last listener leaves, what changed meanwhile is not replayed to the next one', async () => {
      const { db } = testDb;
      await applyPollResults(db, [testSuccess('web1', 4, T0 + 4000)], DOWN_AFTER);
      const live = recorder(feed);
      try {
        await feed.whenReady();
        await applyPollResults(db, [testSuccess('web2', 5, T0 + 5000)], DOWN_AFTER);
        assert.deepEqual(await live.next('web2 sampled', sampledHosts), ['web2']);
        assert.ok(!live.events.some((e) => sampledHosts(e)?.includes('web1')), JSON.stringify(live.events));
      } finally {
        live.unsubscribe();
      }
    });
  });
}

void describe('the change feed on postgres, with a transaction that commits late', () => {
  let testDb: TestDatabase;
  let feed: ChangeFeed;
  before(async () => {
    testDb = await createTestDatabase('postgres');
    await ensureSamplePartitions(testDb.db, T0);
    await applyPollResults(testDb.db, ['slow', 'fast', 'third'].map((host) => testSuccess(host, 1, T0 + 1000)), DOWN_AFTER);
    feed = createChangeFeed({ db: testDb.db, log: silentLogger, everyMs: 50 });
  });
  after(async () => {
    await feed?.stop();
    await testDb?.close();
  });

  void test('the slow write arrives once it commits, and writes read again meanwhile are told once', async () => {
    const live = recorder(feed);
    const slow = new pg.Client({ connectionString: testDb.url });
    await slow.connect();
    try {
      await feed.whenReady();
      await slow.query('BEGIN');
      await slow.query(`UPDATE hosts SET last_sample_at = $1 WHERE name = 'slow'`, [new Date(T0 + 2000)]);
      await applyPollResults(testDb.db, [testSuccess('fast', 2, T0 + 2000)], DOWN_AFTER);
      assert.deepEqual(await live.next('fast sampled', sampledHosts), ['fast']);
      // The open transaction holds the cursor back, so every look reads fast's row again; a later
      // change arriving proves looks went on.
      await applyPollResults(testDb.db, [testSuccess('third', 2, T0 + 2000)], DOWN_AFTER);
      await live.next('third sampled', (e) => (sampledHosts(e)?.includes('third') ? true : undefined));
      await slow.query('COMMIT');
      assert.deepEqual(await live.next('slow sampled', (e) => (sampledHosts(e)?.includes('slow') ? sampledHosts(e) : undefined)), ['slow']);
      assert.deepEqual(live.events.map(sampledHosts), [['fast'], ['third'], ['slow']]);
    } finally {
      live.unsubscribe();
      await slow.end();
    }
  });
});
