import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertInventorySnapshot } from '../../../lib/db/queries/insert-inventory-snapshot.ts';
import { selectInventoryHost } from '../../../lib/db/queries/select-inventory-host.ts';
import { selectInventoryTree } from '../../../lib/db/queries/select-inventory-tree.ts';
import type { InventorySnapshot } from '../../../lib/inventory/inventory-snapshot.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

const SOURCE = '/etc/ansible/hosts';

function snapshot(hash: string, hosts: InventorySnapshot['hosts']): InventorySnapshot {
  return {
    source: SOURCE,
    hash,
    groups: [
      { name: 'all', children: ['ungrouped', 'web'], hosts: [], vars: { ntp: 'pool.ntp.org' } },
      { name: 'ungrouped', children: [], hosts: [], vars: {} },
      { name: 'web', children: [], hosts: hosts.map((h) => h.name), vars: { http_port: 80 } },
    ],
    hosts,
  };
}

const web1 = { name: 'web1', groups: ['web'], vars: { ansible_host: '10.0.0.1', ansible_password: '********', nul: 'a\u0000b', nested: { z: 1, a: [true, null] } } };
const proto = { name: '__proto__', groups: ['web'], vars: {} };

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`inventory snapshots on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('none yet: no tree, and a host lookup says so', async () => {
      assert.equal(await selectInventoryTree(testDb.db), null);
      assert.deepEqual(await selectInventoryHost(testDb.db, 'web1'), { found: false, reason: 'no-snapshot' });
    });

    void test('a stored snapshot reads back whole, hosts in order, values and key order as given', async () => {
      const stored = await insertInventorySnapshot(testDb.db, snapshot('h1', [web1, proto]));
      assert.equal(stored.written, true);
      const tree = await selectInventoryTree(testDb.db);
      assert.ok(tree);
      assert.equal(tree.version, stored.id);
      assert.equal(tree.source, SOURCE);
      assert.ok(Math.abs(Date.parse(tree.loadedAt) - Date.now()) < 60_000, tree.loadedAt);
      assert.deepEqual(tree.groups, snapshot('h1', [web1, proto]).groups);
      assert.deepEqual(Object.keys(tree.hosts), ['web1', '__proto__']);
      assert.deepEqual(tree.hosts['web1'], { groups: web1.groups, vars: web1.vars });
      assert.deepEqual(Object.keys(tree.hosts['web1']?.vars ?? {}), ['ansible_host', 'ansible_password', 'nul', 'nested']);
      assert.equal(Object.getPrototypeOf(tree.hosts), Object.prototype);
      assert.deepEqual(await selectInventoryHost(testDb.db, 'web1'), {
        found: true,
        host: { name: 'web1', version: stored.id, loadedAt: tree.loadedAt, groups: web1.groups, vars: web1.vars },
      });
      assert.deepEqual(await selectInventoryHost(testDb.db, 'nope'), { found: false, reason: 'no-host' });
    });

    void test('the same content again writes nothing; new content is a new version', async () => {
      const before = await selectInventoryTree(testDb.db);
      const again = await insertInventorySnapshot(testDb.db, snapshot('h1', [web1, proto]));
      assert.deepEqual(again, { id: before?.version, written: false });
      const changed = await insertInventorySnapshot(testDb.db, snapshot('h2', [web1]));
      assert.equal(changed.written, true);
      assert.ok(changed.id > (before?.version ?? Infinity));
      const tree = await selectInventoryTree(testDb.db);
      assert.equal(tree?.version, changed.id);
      assert.deepEqual(Object.keys(tree?.hosts ?? {}), ['web1']);
      assert.deepEqual(await selectInventoryHost(testDb.db, '__proto__'), { found: false, reason: 'no-host' });
    });

    void test('only the latest few are kept, with their hosts', async () => {
      let last = 0;
      for (let i = 0; i < 5; i++) last = (await insertInventorySnapshot(testDb.db, snapshot(`k${i}`, [web1]), 3)).id;
      const ids = await testDb.db.selectFrom('inventory_snapshots').select('id').orderBy('id').execute();
      assert.deepEqual(ids.map((r) => r.id), [last - 2, last - 1, last]);
      const hostRows = await testDb.db.selectFrom('inventory_snapshot_hosts').select('snapshot_id').execute();
      assert.deepEqual([...new Set(hostRows.map((r) => r.snapshot_id))].sort((a, b) => a - b), [last - 2, last - 1, last]);
    });

    void test('thousands of hosts are stored in batches and read back in order', async () => {
      const many = Array.from({ length: 4500 }, (_, i) => ({ name: `h${i}`, groups: ['web'], vars: { ansible_host: `10.1.${i >> 8}.${i & 255}` } }));
      const stored = await insertInventorySnapshot(testDb.db, snapshot('big', many));
      const tree = await selectInventoryTree(testDb.db);
      assert.equal(tree?.version, stored.id);
      const names = Object.keys(tree?.hosts ?? {});
      assert.equal(names.length, 4500);
      assert.equal(names[4499], 'h4499');
      assert.deepEqual(tree?.hosts['h300']?.vars, { ansible_host: '10.1.1.44' });
    });
  });
}
