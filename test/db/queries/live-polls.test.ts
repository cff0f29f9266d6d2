import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { endLivePoll, listActiveLivePolls, selectLivePoll, startLivePoll, type StartLivePollArgs } from '../../../lib/db/queries/live-polls.ts';
import { openDatabase } from '../../../lib/db/open-database.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const NOW = Date.parse('2025-06-01T10:00:00.000Z');
const MIN = 60_000;

async function addHosts(db: VigilDb, names: string[], removed = false): Promise<void> {
  await db
    .insertInto('hosts')
    .values(names.map((name) => ({ name, address: name, connection: 'ssh', groups: '[]', interval_sec: 10, ...(removed ? { removed_at: new Date(NOW) } : {}) })))
    .execute();
}

const args = (host: string, over: Partial<StartLivePollArgs> = {}): StartLivePollArgs => ({
  host, intervalSec: 1, untilMs: NOW + 5 * MIN, requestedBy: 'ann', nowMs: NOW, maxLiveHosts: 3, ...over,
});

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`live polls on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await addHosts(testDb.db, ['a', 'b', 'c', 'd', 'e']);
      await addHosts(testDb.db, ['gone'], true);
    });
    after(async () => testDb?.close());

    void test('start, extend, read, list and end; unknown and removed hosts are refused', async () => {
      const { db } = testDb;
      const started = await startLivePoll(db, args('a'));
      assert.deepEqual(started, { ok: true, livePoll: { host: 'a', untilMs: NOW + 5 * MIN, intervalSec: 1, requestedBy: 'ann', requestedAtMs: NOW } });
      // Again: the same row, a later end and another interval.
      await startLivePoll(db, args('a', { untilMs: NOW + 10 * MIN, intervalSec: 2, requestedBy: 'bob', nowMs: NOW + MIN }));
      assert.deepEqual(await selectLivePoll(db, { host: 'a', nowMs: NOW + MIN }), {
        livePoll: { host: 'a', untilMs: NOW + 10 * MIN, intervalSec: 2, requestedBy: 'bob', requestedAtMs: NOW + MIN },
      });
      assert.deepEqual((await listActiveLivePolls(db, { nowMs: NOW + MIN })).map((p) => [p.host, p.intervalSec]), [['a', 2]]);
      // Past its end it is no longer active.
      assert.deepEqual(await selectLivePoll(db, { host: 'a', nowMs: NOW + 10 * MIN }), { livePoll: null });
      assert.deepEqual(await listActiveLivePolls(db, { nowMs: NOW + 10 * MIN }), []);

      assert.deepEqual(await startLivePoll(db, args('nope')), { ok: false, reason: 'no-host' });
      assert.deepEqual(await startLivePoll(db, args('gone')), { ok: false, reason: 'no-host' });
      assert.equal(await selectLivePoll(db, { host: 'gone', nowMs: NOW }), null);
      assert.equal(await endLivePoll(db, { host: 'nope' }), false);

      assert.equal(await endLivePoll(db, { host: 'a' }), true);
      assert.deepEqual(await selectLivePoll(db, { host: 'a', nowMs: NOW }), { livePoll: null });
      assert.equal(await endLivePoll(db, { host: 'a' }), true, 'ending twice is fine');
    });

    void test('at most maxLiveHosts at once: the next one is refused until one ends, a running one may be extended', async () => {
      const { db } = testDb;
      for (const [i, host] of ['a', 'b', 'c'].entries()) {
        assert.equal((await startLivePoll(db, args(host, { untilMs: NOW + (i + 1) * MIN }))).ok, true);
      }
      assert.deepEqual(await startLivePoll(db, args('d')), { ok: false, reason: 'too-many', active: 3, firstEndsAtMs: NOW + MIN });
      assert.equal((await startLivePoll(db, args('c', { untilMs: NOW + 9 * MIN }))).ok, true, 'extending a running one');
      // Once a's ends, its slot is free (and its expired row goes).
      assert.equal((await startLivePoll(db, args('d', { nowMs: NOW + MIN, untilMs: NOW + 6 * MIN }))).ok, true);
      assert.deepEqual((await listActiveLivePolls(db, { nowMs: NOW + MIN })).map((p) => p.host), ['b', 'c', 'd']);
      assert.equal(await db.selectFrom('live_polls').select('host').where('host', '=', 'a').executeTakeFirst(), undefined);
      for (const host of ['b', 'c', 'd']) await endLivePoll(db, { host });
    });
  });
}

void describe('live polls on postgres, from many connections at once', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
    await addHosts(testDb.db, ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8']);
  });
  after(async () => testDb?.close());

  void test('racing requests never get more than the cap', async () => {
    const second = await openDatabase({ url: testDb.url as string });
    try {
      const dbs = [testDb.db, second.db];
      const results = await Promise.all(
        ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8'].map((host, i) => startLivePoll(dbs[i % 2] as VigilDb, args(host))),
      );
      assert.equal(results.filter((r) => r.ok).length, 3);
      assert.equal((await listActiveLivePolls(testDb.db, { nowMs: NOW })).length, 3);
    } finally {
      await second.close();
    }
  });
});
