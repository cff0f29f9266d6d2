import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { insertInventoryReload } from '../../../lib/db/queries/insert-inventory-reload.ts';
import { selectInventoryStatus } from '../../../lib/db/queries/select-inventory-status.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const SOURCE = '/etc/ansible/hosts';

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`inventory reloads on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
    });
    after(async () => testDb?.close());

    void test('an empty table: no current inventory, no reloads', async () => {
      assert.deepEqual(await selectInventoryStatus(testDb.db), { current: null, lastReload: null, lastError: null, recent: [] });
    });

    void test('a good reload is the current inventory and the last reload, with no error', async () => {
      await insertInventoryReload(testDb.db, { at: new Date(T0), source: SOURCE, ok: true, hosts: 3, added: 3 });
      const status = await selectInventoryStatus(testDb.db);
      const reload = { at: new Date(T0).toISOString(), source: SOURCE, ok: true, hosts: 3, added: 3, removed: 0, changed: 0, error: null };
      assert.deepEqual(status, {
        current: { at: new Date(T0).toISOString(), source: SOURCE, hosts: 3 },
        lastReload: reload,
        lastError: null,
        recent: [reload],
      });
    });

    void test('a failed reload is the last error, with file and line, while the last good one stays current', async () => {
      const error = { message: "expected key=value host variable for 'web1', got 'oops'", file: SOURCE, line: 7 };
      await insertInventoryReload(testDb.db, { at: new Date(T0 + 1000), source: SOURCE, ok: false, hosts: 3, error });
      const status = await selectInventoryStatus(testDb.db);
      assert.deepEqual(status.current, { at: new Date(T0).toISOString(), source: SOURCE, hosts: 3 });
      assert.deepEqual(status.lastError, {
        at: new Date(T0 + 1000).toISOString(),
        source: SOURCE,
        ok: false,
        hosts: 3,
        added: 0,
        removed: 0,
        changed: 0,
        error,
      });
      assert.deepEqual(status.lastReload, status.lastError);
      assert.deepEqual(status.recent.map((r) => r.ok), [false, true]);
    });

    void test('an error without a line (a file that cannot be read) keeps line null', async () => {
      await insertInventoryReload(testDb.db, {
        at: new Date(T0 + 2000),
        source: SOURCE,
        ok: false,
        hosts: 3,
        error: { message: 'cannot read inventory: ENOENT', file: SOURCE, line: null },
      });
      const status = await selectInventoryStatus(testDb.db);
      assert.deepEqual(status.lastError?.error, { message: 'cannot read inventory: ENOENT', file: SOURCE, line: null });
    });

    void test('the next good reload clears the error', async () => {
      await insertInventoryReload(testDb.db, { at: new Date(T0 + 3000), source: SOURCE, ok: true, hosts: 4, added: 1, changed: 2 });
      const status = await selectInventoryStatus(testDb.db, 2);
      assert.equal(status.lastError, null);
      assert.deepEqual(status.current, { at: new Date(T0 + 3000).toISOString(), source: SOURCE, hosts: 4 });
      assert.deepEqual(
        status.recent.map((r) => [r.ok, r.hosts, r.added, r.removed, r.changed]),
        [
          [true, 4, 1, 0, 2],
          [false, 3, 0, 0, 0],
        ],
      );
    });

    void test('a row without a time gets the database time', async () => {
      const before = Date.now();
      await insertInventoryReload(testDb.db, { source: SOURCE, ok: true, hosts: 4 });
      const at = Date.parse((await selectInventoryStatus(testDb.db)).lastReload?.at ?? '');
      // Clocks of the test and the database are the same machine's; a second of slack for rounding.
      assert.ok(at >= before - 1000 && at <= Date.now() + 1000, `at ${at} is not now`);
    });

    void test('old reloads are pruned, but never the newest good one', async () => {
      const { db } = testDb;
      await db.deleteFrom('inventory_reloads').execute();
      await insertInventoryReload(db, { at: new Date(T0), source: SOURCE, ok: true, hosts: 9 }, 3);
      for (let i = 1; i <= 5; i++) {
        const error = { message: `broken ${i}`, file: SOURCE, line: i };
        await insertInventoryReload(db, { at: new Date(T0 + i * 1000), source: SOURCE, ok: false, hosts: 9, error }, 3);
      }
      const rows = await db.selectFrom('inventory_reloads').select(['ok', 'error_line']).orderBy('id').execute();
      assert.deepEqual(rows, [
        { ok: true, error_line: null },
        { ok: false, error_line: 3 },
        { ok: false, error_line: 4 },
        { ok: false, error_line: 5 },
      ]);
      const status = await selectInventoryStatus(db);
      assert.equal(status.current?.hosts, 9);
      assert.equal(status.lastError?.error?.message, 'broken 5');
    });
  });
}
