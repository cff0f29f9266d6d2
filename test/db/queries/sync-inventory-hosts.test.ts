import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { syncInventoryHosts } from '../../../lib/db/queries/sync-inventory-hosts.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

function target(name: string, changes: Partial<HostTarget> = {}): HostTarget {
  return { name, connection: 'ssh', address: `${name}.example`, port: 22, user: 'vigil', privateKeyFile: null, intervalSec: 10, groups: ['web'], ...changes };
}

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`syncInventoryHosts on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    const rows = async () =>
      testDb.db.selectFrom('hosts').select(['name', 'address', 'connection', 'groups', 'interval_sec', 'removed_at']).orderBy('name').execute();

    void test('adds, changes, removes, and brings back hosts', async () => {
      assert.deepEqual(await syncInventoryHosts(testDb.db, [target('a'), target('b'), target('c')]), { added: ['a', 'b', 'c'], removed: [], changed: [] });
      assert.deepEqual(await syncInventoryHosts(testDb.db, [target('a'), target('b'), target('c')]), { added: [], removed: [], changed: [] });

      const changes = await syncInventoryHosts(testDb.db, [
        target('a', { address: '10.0.0.1' }),
        target('b', { groups: ['web', 'db'], intervalSec: 30 }),
        target('d', { connection: 'local' }),
      ]);
      assert.deepEqual(changes, { added: ['d'], removed: ['c'], changed: ['a', 'b'] });
      const after = await rows();
      assert.deepEqual(after.map((row) => ({ ...row, removed_at: row.removed_at !== null })), [
        { name: 'a', address: '10.0.0.1', connection: 'ssh', groups: ['web'], interval_sec: 10, removed_at: false },
        { name: 'b', address: 'b.example', connection: 'ssh', groups: ['web', 'db'], interval_sec: 30, removed_at: false },
        { name: 'c', address: 'c.example', connection: 'ssh', groups: ['web'], interval_sec: 10, removed_at: true },
        { name: 'd', address: 'd.example', connection: 'local', groups: ['web'], interval_sec: 10, removed_at: false },
      ]);
      const removedAt = after.find((row) => row.name === 'c')?.removed_at;
      assert.ok(removedAt instanceof Date);

      // Still gone: not reported again, and its removal time stays.
      const again = await syncInventoryHosts(testDb.db, [target('a', { address: '10.0.0.1' }), target('b', { groups: ['web', 'db'], intervalSec: 30 }), target('d', { connection: 'local' })]);
      assert.deepEqual(again, { added: [], removed: [], changed: [] });
      assert.equal((await rows()).find((row) => row.name === 'c')?.removed_at?.getTime(), removedAt.getTime());

      const back = await syncInventoryHosts(testDb.db, [target('c', { address: 'c2.example' })]);
      assert.deepEqual(back, { added: ['c'], removed: ['a', 'b', 'd'], changed: [] });
      const c = (await rows()).find((row) => row.name === 'c');
      assert.deepEqual([c?.address, c?.removed_at], ['c2.example', null]);
    });

    void test('keeps status and history of a host whose settings change', async () => {
      await testDb.db.updateTable('hosts').set({ status: 'up', consecutive_failures: 0 }).where('name', '=', 'c').execute();
      await syncInventoryHosts(testDb.db, [target('c', { address: 'c3.example' })]);
      const c = await testDb.db.selectFrom('hosts').select(['status', 'address']).where('name', '=', 'c').executeTakeFirstOrThrow();
      assert.deepEqual(c, { status: 'up', address: 'c3.example' });
    });

    // Regression: one VALUES list of 8 parameters a host was refused by PostgreSQL from 8,192 hosts on
    // ("bind message has 14465 parameter formats but 0 parameters" at 10,000): a first start with such an inventory failed.
    void test('an inventory of 10,000 hosts is added, changed and removed whole', async () => {
      const many = Array.from({ length: 10_000 }, (_, i) => target(`fleet-${String(i).padStart(5, '0')}`));
      const added = await syncInventoryHosts(testDb.db, many);
      assert.equal(added.added.length, 10_000);
      const changed = await syncInventoryHosts(testDb.db, many.map((t) => ({ ...t, intervalSec: 60 })));
      assert.equal(changed.changed.length, 10_000);
      const removed = await syncInventoryHosts(testDb.db, []);
      assert.equal(removed.removed.filter((name) => name.startsWith('fleet-')).length, 10_000);
      const left = await testDb.db.selectFrom('hosts').select((eb) => eb.fn.countAll<string>().as('n')).where('name', 'like', 'fleet-%').where('removed_at', 'is', null).executeTakeFirstOrThrow();
      assert.equal(Number(left.n), 0);
      const slow = await testDb.db.selectFrom('hosts').select((eb) => eb.fn.countAll<string>().as('n')).where('name', 'like', 'fleet-%').where('interval_sec', '=', 60).executeTakeFirstOrThrow();
      assert.equal(Number(slow.n), 10_000);
    });
  });
}
