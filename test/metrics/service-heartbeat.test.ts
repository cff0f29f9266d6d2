import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { createLogger, silentLogger } from '../../lib/log.ts';
import { startHeartbeat } from '../../lib/metrics/service-heartbeat.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';

let testDb: TestDatabase;

before(async () => {
  testDb = await createTestDatabase('postgres');
});

after(async () => {
  await testDb?.close();
});

void test('a service\'s row appears at start, moves on every beat with fresh info, and goes on a clean stop', async () => {
  let hosts = 1;
  const heartbeat = await startHeartbeat({ db: testDb.db, service: 'scheduler', log: silentLogger, intervalMs: 100, info: () => ({ active: true, hosts }) });
  try {
    const first = await testDb.db.selectFrom('service_heartbeats').selectAll().where('instance', '=', heartbeat.instance).executeTakeFirstOrThrow();
    assert.equal(first.service, 'scheduler');
    assert.equal(first.host, hostname());
    assert.equal(first.pid, process.pid);
    assert.deepEqual(first.info, { active: true, hosts: 1 });
    assert.ok(heartbeat.instance.startsWith(`${hostname()}-${process.pid}-`));

    hosts = 7;
    const moved = await waitFor('a later beat', 10_000, async () => {
      const row = await testDb.db.selectFrom('service_heartbeats').selectAll().where('instance', '=', heartbeat.instance).executeTakeFirstOrThrow();
      return row.seen_at.getTime() > first.seen_at.getTime() && (row.info as { hosts: number }).hosts === 7 ? row : undefined;
    });
    assert.equal(moved.started_at.getTime(), first.started_at.getTime());
  } finally {
    await heartbeat.stop();
  }
  const left = await testDb.db.selectFrom('service_heartbeats').selectAll().where('instance', '=', heartbeat.instance).execute();
  assert.deepEqual(left, []);
});

void test('rows of processes gone for over a day are pruned when a service starts; recent ones stay', async () => {
  const old = { service: 'writer', host: 'gone', pid: 1, started_at: new Date(Date.now() - 3 * 86_400_000), info: '{}' };
  await testDb.db.insertInto('service_heartbeats').values([
    { ...old, instance: 'gone-long-ago', seen_at: sql<Date>`now() - interval '2 days'` },
    { ...old, instance: 'gone-lately', seen_at: sql<Date>`now() - interval '5 minutes'` },
  ]).execute();
  const heartbeat = await startHeartbeat({ db: testDb.db, service: 'web', log: silentLogger });
  try {
    const instances = (await testDb.db.selectFrom('service_heartbeats').select('instance').orderBy('instance').execute()).map((r) => r.instance);
    assert.deepEqual(instances.sort(), ['gone-lately', heartbeat.instance].sort());
  } finally {
    await heartbeat.stop();
    await testDb.db.deleteFrom('service_heartbeats').execute();
  }
});

void test('a beat that cannot be written is logged once and does not reject', async () => {
  const lines: string[] = [];
  const log = createLogger({}, { write: (line) => lines.push(line) });
  const heartbeat = await startHeartbeat({ db: testDb.db, service: 'writer', log, intervalMs: 60_000 });
  await sql`ALTER TABLE service_heartbeats RENAME TO service_heartbeats_away`.execute(testDb.db);
  try {
    await heartbeat.beat();
    await heartbeat.beat();
    assert.equal(lines.filter((line) => JSON.parse(line).msg === 'cannot write heartbeat').length, 1);
  } finally {
    await sql`ALTER TABLE service_heartbeats_away RENAME TO service_heartbeats`.execute(testDb.db);
  }
  await heartbeat.beat();
  assert.ok(lines.some((line) => JSON.parse(line).msg === 'heartbeat written again'));
  await heartbeat.stop();
  assert.deepEqual(await testDb.db.selectFrom('service_heartbeats').selectAll().execute(), []);
});
