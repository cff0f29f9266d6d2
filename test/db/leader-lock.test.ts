import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { acquireLeadership, type Leadership } from '../../lib/db/leader-lock.ts';
import { silentLogger } from '../../lib/log.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';

let database: TestDatabase;
// A key per run, so parallel test files never contend for the same lock.
const key = Math.floor(Math.random() * 1_000_000_000);

before(async () => {
  database = await createTestDatabase('postgres');
});
after(async () => {
  await database?.close();
});

function candidate(signal?: AbortSignal): Promise<Leadership> {
  return acquireLeadership({ url: database.url!, key, checkEveryMs: 100, log: silentLogger, ...(signal ? { signal } : {}) });
}

test('one leader at a time; a standby takes over when the leader releases', async () => {
  const first = await candidate();
  let secondLeads = false;
  const second = candidate().then((leadership) => {
    secondLeads = true;
    return leadership;
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(secondLeads, false, 'the standby waits while the leader holds the lock');
  await first.release();
  const taken = await second;
  assert.equal(secondLeads, true);
  await taken.release();
});

test('a leader whose session is killed learns it has lost, and a standby takes over', async () => {
  const leader = await candidate();
  const standby = candidate();
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    // What a crash of the leader's host or a cut network looks like from PostgreSQL's side.
    await admin.query(
      `select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and objid = $1 and granted`,
      [key],
    );
  } finally {
    await admin.end();
  }
  await waitFor('the leader to notice the loss', 10_000, async () => {
    const settled = await Promise.race([leader.lost.then(() => true), new Promise<undefined>((r) => setTimeout(r, 50))]);
    return settled;
  });
  const next = await standby;
  await next.release();
  await leader.release();
});

test('waiting stops on abort', async () => {
  const holder = await candidate();
  const abort = new AbortController();
  const waiting = candidate(abort.signal);
  abort.abort();
  await assert.rejects(waiting, { name: 'AbortError' });
  await holder.release();
});
