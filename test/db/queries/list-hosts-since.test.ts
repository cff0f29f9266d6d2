import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import type { VigilDb } from '../../../lib/db/database.ts';
import { MAX_CURSOR_LENGTH, MAX_CURSOR_RUNNING, formatHostListCursor, listHostsSince, parseHostListCursor } from '../../../lib/db/queries/list-hosts-since.ts';
import type { HostListAnswer } from '../../../lib/db/queries/list-hosts-since.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

async function insertHost(db: VigilDb, name: string): Promise<void> {
  await db.insertInto('hosts').values({ name, address: `${name}.example`, connection: 'ssh', groups: '["web"]', interval_sec: 10 }).execute();
}

const names = (answer: HostListAnswer): string[] => answer.hosts.map((h) => h.name);
const cursorOf = (answer: HostListAnswer) => {
  const cursor = parseHostListCursor(answer.cursor);
  assert.ok(cursor, `a cursor: ${answer.cursor}`);
  return cursor;
};

const DIGEST = '0123456789abcdef0123456789abcdef';

void test('cursors: what formatHostListCursor writes parses back; anything PostgreSQL would not take as a snapshot is null', () => {
  for (const snapshot of ['740:740:', '740:745:740,742', '1:18446744073709551615:7', '5:9:6,6,8']) {
    const cursor = { snapshot, inventory: DIGEST };
    assert.deepEqual(parseHostListCursor(formatHostListCursor(cursor)), cursor, snapshot);
  }
  const tooMany = Array.from({ length: MAX_CURSOR_RUNNING + 1 }, (_, i) => 10 + i).join(',');
  for (const bad of ['', '12', `.${DIGEST}`, `12.${DIGEST}`, `1:2.${DIGEST}`, '1:2:', `1:18446744073709551616:.${DIGEST}`, `9:5:.${DIGEST}`,
    `5:9:4.${DIGEST}`, `5:9:9.${DIGEST}`, `5:9:8,6.${DIGEST}`, `5:9:,.${DIGEST}`, `1:2:.${DIGEST.toUpperCase()}`, ` 1:2:.${DIGEST}`, `-1:2:.${DIGEST}`, `10:100:${tooMany}.${DIGEST}`]) {
    assert.equal(parseHostListCursor(bad), null, bad);
  }
  // The longest cursor there can be still fits what the route takes.
  const base = 10n ** 19n;
  const running = Array.from({ length: MAX_CURSOR_RUNNING }, (_, i) => String(base + BigInt(i))).join(',');
  const longest = formatHostListCursor({ snapshot: `${base}:${base + 1000n}:${running}`, inventory: DIGEST });
  assert.notEqual(parseHostListCursor(longest), null);
  assert.ok(longest.length <= MAX_CURSOR_LENGTH, `${longest.length} > ${MAX_CURSOR_LENGTH}`);
});

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`listHostsSince on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      for (const name of ['web-1', 'web-2', 'web-3']) await insertHost(testDb.db, name);
    });
    after(async () => testDb?.close());

    void test('without a cursor: every host, full; with one: the hosts changed since, not full', async () => {
      const { db } = testDb;
      const first = await listHostsSince(db, null);
      assert.equal(first.full, true);
      assert.deepEqual(names(first), ['web-1', 'web-2', 'web-3']);
      await db.updateTable('hosts').set({ status: 'up' }).where('name', '=', 'web-2').execute();
      const delta = await listHostsSince(db, cursorOf(first));
      assert.equal(delta.full, false);
      // Exactly that host, also on a shared PostgreSQL whose other databases' transactions hold
      // the xid horizon back (a horizon cursor would repeat every host changed since then).
      assert.deepEqual(names(delta), ['web-2']);
      assert.equal(delta.hosts[0]?.status, 'up');
      assert.deepEqual(names(await listHostsSince(db, cursorOf(delta))), []);
    });

    void test('an inventory change makes the answer full, and the new cursor is quiet again', async () => {
      const { db } = testDb;
      const before = await listHostsSince(db, null);
      await db.updateTable('hosts').set({ groups: '["web","prod"]' }).where('name', '=', 'web-3').execute();
      const after = await listHostsSince(db, cursorOf(before));
      assert.equal(after.full, true);
      assert.deepEqual(after.hosts.find((h) => h.name === 'web-3')?.groups, ['web', 'prod']);
      assert.equal((await listHostsSince(db, cursorOf(after))).full, false);
    });

    void test('a change of only the power state or hypervisor is sent; one of only the last poll time or failure message is not', async () => {
      const { db } = testDb;
      await insertHost(db, 'vm-1');
      await db.updateTable('hosts').set({ status: 'down', status_reason: 'timeout-connect', status_message: 'no answer within 10 s' }).where('name', '=', 'vm-1').execute();
      let cursor = cursorOf(await listHostsSince(db, null));
      await db.updateTable('hosts').set({ last_poll_at: new Date(), status_message: 'no answer within 10 s, again' }).where('name', '=', 'vm-1').execute();
      let delta = await listHostsSince(db, cursor);
      assert.deepEqual(names(delta), []);
      for (const change of [{ power_state: 'poweredOff' }, { runs_on: 'vc/esx-2' }] as const) {
        cursor = cursorOf(delta);
        await db.updateTable('hosts').set(change).where('name', '=', 'vm-1').execute();
        delta = await listHostsSince(db, cursor);
        assert.deepEqual(names(delta), ['vm-1'], JSON.stringify(change));
      }
    });

    if (kind === 'postgres') {
      void test('a change committed after the cursor by a transaction already running then is still sent', async () => {
        const { db } = testDb;
        let cursorAnswer: HostListAnswer | null = null;
        await db.transaction().execute(async (trx) => {
          await trx.updateTable('hosts').set({ status: 'down', status_reason: 'refused' }).where('name', '=', 'web-1').execute();
          // Another connection answers while the write is not committed: it cannot see it yet.
          cursorAnswer = await listHostsSince(db, null);
          assert.equal(cursorAnswer.hosts.find((h) => h.name === 'web-1')?.status, 'unknown');
        });
        assert.ok(cursorAnswer);
        const delta = await listHostsSince(db, cursorOf(cursorAnswer));
        assert.equal(delta.full, false);
        assert.deepEqual(names(delta), ['web-1']);
        assert.equal(delta.hosts[0]?.status, 'down');
      });

      void test('with more transactions running than a cursor keeps, it keeps the oldest: repeats, never misses', async () => {
        const { db } = testDb;
        // Transactions holding an xid, open while the answer is read.
        const clients = Array.from({ length: MAX_CURSOR_RUNNING + 1 }, () => new pg.Client({ connectionString: testDb.url }));
        let answer: HostListAnswer;
        try {
          for (const client of clients) {
            await client.connect();
            await client.query('BEGIN');
            await client.query('SELECT pg_current_xact_id()');
          }
          // A snapshot lists the running transactions below the newest finished one: finish one.
          await sql`SELECT pg_current_xact_id()`.execute(db);
          answer = await listHostsSince(db, null);
        } finally {
          await Promise.all(clients.map((client) => client.end()));
        }
        const cursor = cursorOf(answer);
        const [xmin, xmax, running] = cursor.snapshot.split(':');
        assert.equal(xmax, xmin, cursor.snapshot);
        assert.equal(running, '');
        await db.updateTable('hosts').set({ status: 'up' }).where('name', '=', 'web-3').execute();
        assert.ok(names(await listHostsSince(db, cursor)).includes('web-3'));
      });
    }
  });
}
