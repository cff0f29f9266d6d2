import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { MIGRATION_NAMES, migrateToLatest } from '../../lib/db/migrate.ts';
import * as alertEpisodes from '../../lib/db/migrations/0022-alert-episodes.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import { saveAlert } from '../../lib/db/queries/save-alert.ts';
import type { StoredAlert } from '../../lib/db/queries/stored-alert.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`migrateToLatest on ${kind}`, () => {
    let testDb: TestDatabase;
    after(async () => testDb?.close());

    void test('creates the tables, and a second run is a no-op', async () => {
      testDb = await createTestDatabase(kind);
      const { db } = testDb;
      await db.insertInto('hosts').values({ name: 'a', address: 'a', connection: 'ssh', groups: '[]', interval_sec: 10 }).execute();
      await migrateToLatest(db);
      const migrations = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
      assert.deepEqual(migrations.rows.map((row) => row.name), MIGRATION_NAMES);
      const hosts = await db.selectFrom('hosts').select(['name', 'status', 'consecutive_failures', 'groups']).execute();
      assert.deepEqual(hosts, [{ name: 'a', status: 'unknown', consecutive_failures: 0, groups: [] }]);
      const partitioned = await sql<{ relkind: string }>`SELECT relkind FROM pg_class WHERE relname = 'samples'`.execute(db);
      assert.equal(partitioned.rows[0]?.relkind, 'p');
    });

    void test('count(*) and bigint columns come back as numbers', async () => {
      const { db } = testDb;
      const row = await db.selectFrom('hosts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(row.n, 1);
      const big = await sql<{ b: unknown; n: unknown }>`SELECT 9007199254740993::int8 AS b, 2.5::numeric AS n`.execute(db);
      assert.equal(typeof big.rows[0]?.b, 'number');
      assert.equal(big.rows[0]?.n, 2.5);
    });

    void test('0022 records the alerts firing at the upgrade as outages under way, from their start', async () => {
      const { db } = testDb;
      await alertEpisodes.down(db);
      const alert = (key: string, rule: string, state: StoredAlert['state'], startsAt: number): StoredAlert => ({
        key, rule, host: 'a', labels: rule === 'check_failing' ? { id: 'http' } : {}, severity: 'critical', state, summary: '', value: null, threshold: null, receivers: [],
        startsAt, endsAt: state === 'resolved' ? startsAt + 1000 : null, lastEventAt: startsAt, lastNotifiedAt: null, notifiedFiring: false,
        ackedBy: null, ackedAt: null, ackedComment: null, flapping: false, stateChanges: [], heldBackBy: null, escalatedSteps: 0,
      });
      const t0 = Date.parse('2026-11-01T00:00:00Z');
      for (const stored of [alert('host_down|a', 'host_down', 'firing', t0), alert('check_failing|a|http', 'check_failing', 'firing', t0 + 1000),
        alert('disk_full|a', 'disk_full', 'firing', t0 + 2000), alert('cpu|a', 'cpu', 'resolved', t0), alert('mem|a', 'mem', 'pending', t0)]) {
        await saveAlert(db, stored);
      }
      await alertEpisodes.up(db);
      const episodes = await db.selectFrom('alert_episodes').select(['alert_key', 'kind', 'labels', 'started_at', 'ended_at']).orderBy('alert_key').execute();
      assert.deepEqual(episodes.map((e) => [e.alert_key, e.kind, e.labels, new Date(e.started_at).getTime() - t0, e.ended_at]), [
        ['check_failing|a|http', 'check-failing', { id: 'http' }, 1000, null],
        ['disk_full|a', null, {}, 2000, null],
        ['host_down|a', 'host-down', {}, 0, null],
      ]);
      await sql`DELETE FROM alerts`.execute(db);
      await sql`DELETE FROM alert_episodes`.execute(db);
    });
  });
}

void describe('migrateToLatest on postgres, concurrently', () => {
  void test('two processes migrating a fresh database at once both succeed', async () => {
    // An empty database, not migrated yet, opened through two separate pools.
    const testDb = await createTestDatabase('postgres');
    try {
      await sql`DROP SCHEMA public CASCADE`.execute(testDb.db);
      await sql`CREATE SCHEMA public`.execute(testDb.db);
      const url = testDb.url as string;
      const first = await openDatabase({ url });
      const second = await openDatabase({ url });
      try {
        const outcomes = await Promise.allSettled([migrateToLatest(first.db), migrateToLatest(second.db)]);
        assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled'], JSON.stringify(outcomes));
        const migrations = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(first.db);
        assert.deepEqual(migrations.rows.map((row) => row.name), MIGRATION_NAMES);
      } finally {
        await first.close();
        await second.close();
      }
    } finally {
      await testDb.close();
    }
  });
});

void describe('openDatabase', () => {
  void test('a connection failure names the URL without its password', async () => {
    await assert.rejects(openDatabase({ url: 'postgres://vigil:s3cret@127.0.0.1:1/vigil' }), (error: Error) => {
      assert.match(error.message, /cannot connect to PostgreSQL at postgres:\/\/vigil:\*\*\*@127\.0\.0\.1:1\/vigil/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
  });
});
