import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { insertInventoryReload } from '../../../lib/db/queries/insert-inventory-reload.ts';
import type { InventoryStatus } from '../../../lib/db/queries/select-inventory-status.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const SOURCE = '/srv/inventory/hosts';
// Markup in an error must come back as the same text, for the dashboard to show as text.
const MESSAGE = `no closing quotation (") in '<script>alert(1)</script> ansible_port="22'`;

void describe('inventory routes', () => {
  const web = useTestWebServer();

  void test('before any reload: no current inventory and no error', async () => {
    const res = await web.server.inject('/api/v1/inventory');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.deepEqual(JSON.parse(res.payload), { current: null, lastReload: null, lastError: null, recent: [] });
  });

  void test('a failed reload is served with file, line and message, next to the last good inventory', async () => {
    await insertInventoryReload(web.testDb.db, { at: new Date(T0), source: SOURCE, ok: true, hosts: 2, added: 2 });
    await insertInventoryReload(web.testDb.db, {
      at: new Date(T0 + 1000),
      source: SOURCE,
      ok: false,
      hosts: 2,
      error: { message: MESSAGE, file: SOURCE, line: 4 },
    });
    const res = await web.server.inject('/api/v1/inventory');
    assert.equal(res.statusCode, 200);
    const body = JSON.parse(res.payload) as InventoryStatus;
    assert.deepEqual(body.current, { at: new Date(T0).toISOString(), source: SOURCE, hosts: 2 });
    assert.deepEqual(body.lastError?.error, { message: MESSAGE, file: SOURCE, line: 4 });
    assert.equal(body.lastError?.at, new Date(T0 + 1000).toISOString());
    assert.deepEqual(body.recent.map((r) => r.ok), [false, true]);
  });

  void test('recent limits the history; 0 gives none but still the status', async () => {
    const one = JSON.parse((await web.server.inject('/api/v1/inventory?recent=1')).payload) as InventoryStatus;
    assert.equal(one.recent.length, 1);
    assert.equal(one.lastError?.ok, false);
    const none = JSON.parse((await web.server.inject('/api/v1/inventory?recent=0')).payload) as InventoryStatus;
    assert.deepEqual(none.recent, []);
    assert.equal(none.lastReload?.ok, false);
    assert.equal(none.current?.hosts, 2);
  });

  void test('bad input is a 400 that says what was wrong', async () => {
    for (const [query, pattern] of [
      ['recent=lots', /"recent" must be a number/],
      ['recent=501', /"recent" must be less than or equal to 500/],
      ['other=1', /"other" is not allowed/],
    ] as const) {
      const res = await web.server.inject(`/api/v1/inventory?${query}`);
      assert.equal(res.statusCode, 400, query);
      const body = JSON.parse(res.payload) as { statusCode: number; error: string; message: string };
      assert.equal(body.statusCode, 400);
      assert.equal(body.error, 'Bad Request');
      assert.match(body.message, pattern);
    }
  });

  void test('a good reload clears the error', async () => {
    await insertInventoryReload(web.testDb.db, { at: new Date(T0 + 2000), source: SOURCE, ok: true, hosts: 3, added: 1 });
    const body = JSON.parse((await web.server.inject('/api/v1/inventory')).payload) as InventoryStatus;
    assert.equal(body.lastError, null);
    assert.deepEqual(body.current, { at: new Date(T0 + 2000).toISOString(), source: SOURCE, hosts: 3 });
  });
});
