import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { insertInventoryReload } from '../../../lib/db/queries/insert-inventory-reload.ts';
import { insertInventorySnapshot } from '../../../lib/db/queries/insert-inventory-snapshot.ts';
import type { InventoryHostVars } from '../../../lib/db/queries/select-inventory-host.ts';
import type { InventoryStatus } from '../../../lib/db/queries/select-inventory-status.ts';
import type { InventoryTree } from '../../../lib/db/queries/select-inventory-tree.ts';
import { buildInventorySnapshot } from '../../../lib/inventory/inventory-snapshot.ts';
import { MASKED } from '../../../lib/inventory/mask-variables.ts';
import { readInventory } from '../../../lib/inventory/read-inventory.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const SOURCE = '/srv/inventory/hosts';
// Markup in an error must come back as the same text, for the dashboard to show as text.
const MESSAGE = `no closing quotation (") in '<script>alert(1)</script> ansible_port="22'`;
const SECRETS = ['inline-pw-1f2e', 'group-token-9a8b', 'host-vars-key-7c6d', 'nested-secret-5e4f'];

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

void describe('inventory routes', () => {
  const web = useTestWebServer();
  const get = (url: string) => web.server.inject({ url, headers: web.asViewer });

  void test('before any reload: no current inventory and no error', async () => {
    const res = await get('/api/v1/inventory');
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
    const res = await get('/api/v1/inventory');
    assert.equal(res.statusCode, 200);
    const body = JSON.parse(res.payload) as InventoryStatus;
    assert.deepEqual(body.current, { at: new Date(T0).toISOString(), source: SOURCE, hosts: 2 });
    assert.deepEqual(body.lastError?.error, { message: MESSAGE, file: SOURCE, line: 4 });
    assert.equal(body.lastError?.at, new Date(T0 + 1000).toISOString());
    assert.deepEqual(body.recent.map((r) => r.ok), [false, true]);
  });

  void test('recent limits the history; 0 gives none but still the status', async () => {
    const one = JSON.parse((await get('/api/v1/inventory?recent=1')).payload) as InventoryStatus;
    assert.equal(one.recent.length, 1);
    assert.equal(one.lastError?.ok, false);
    const none = JSON.parse((await get('/api/v1/inventory?recent=0')).payload) as InventoryStatus;
    assert.deepEqual(none.recent, []);
    assert.equal(none.lastReload?.ok, false);
    assert.equal(none.current?.hosts, 2);
  });

  void test('bad input is a 400 that says what was wrong', async () => {
    for (const [url, pattern] of [
      ['/api/v1/inventory?recent=lots', /"recent" must be a number/],
      ['/api/v1/inventory?recent=501', /"recent" must be less than or equal to 500/],
      ['/api/v1/inventory?other=1', /"other" is not allowed/],
      ['/api/v1/inventory/tree?host=web1', /"host" is not allowed/],
      [`/api/v1/inventory/hosts/${'x'.repeat(256)}`, /"name" length must be less than or equal to 255/],
    ] as const) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, url);
      const body = JSON.parse(res.payload) as ErrorBody;
      assert.equal(body.statusCode, 400);
      assert.equal(body.error, 'Bad Request');
      assert.match(body.message, pattern);
    }
  });

  void test('a good reload clears the error', async () => {
    await insertInventoryReload(web.testDb.db, { at: new Date(T0 + 2000), source: SOURCE, ok: true, hosts: 3, added: 1 });
    const body = JSON.parse((await get('/api/v1/inventory')).payload) as InventoryStatus;
    assert.equal(body.lastError, null);
    assert.deepEqual(body.current, { at: new Date(T0 + 2000).toISOString(), source: SOURCE, hosts: 3 });
  });

  void test('without a login every inventory route is a 401', async () => {
    for (const url of ['/api/v1/inventory', '/api/v1/inventory/tree', '/api/v1/inventory/hosts/web1']) {
      const res = await web.server.inject(url);
      assert.equal(res.statusCode, 401, url);
      assert.match((JSON.parse(res.payload) as ErrorBody).message, /log in first/);
    }
  });
});

void describe('inventory tree and host routes', () => {
  const web = useTestWebServer();
  const get = (url: string) => web.server.inject({ url, headers: web.asViewer });
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-inventory-routes-'));
    await mkdir(path.join(dir, 'group_vars'));
    await mkdir(path.join(dir, 'host_vars'));
    await writeFile(
      path.join(dir, 'hosts'),
      [
        '[web]',
        `web1 ansible_host=10.0.0.1 ansible_password=${SECRETS[0]} ansible_ssh_private_key_file=/keys/web1`,
        `"<img src=x onerror=alert(1)>" ansible_host=10.0.0.9`,
        '[db]',
        'db1 ansible_host=10.0.0.2',
        '[prod:children]',
        'web',
        'db',
        '',
      ].join('\n'),
    );
    await writeFile(path.join(dir, 'group_vars', 'web.yml'), `deploy_token: ${SECRETS[1]}\nhttp_port: 8080\n`);
    await writeFile(path.join(dir, 'host_vars', 'db1.yml'), `api_key: ${SECRETS[2]}\nbackup:\n  target: s3://backups\n  secret_key: ${SECRETS[3]}\n`);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('before the first snapshot both routes are 404s that say why', async () => {
    for (const url of ['/api/v1/inventory/tree', '/api/v1/inventory/hosts/web1']) {
      const res = await get(url);
      assert.equal(res.statusCode, 404, url);
      assert.deepEqual(JSON.parse(res.payload), {
        statusCode: 404,
        error: 'Not Found',
        message: 'no inventory snapshot yet: the scheduler stores one when it first reads the inventory successfully',
      });
    }
  });

  void test('the tree: groups with children, hosts and vars, every host with groups and merged vars, secrets masked', async () => {
    const stored = await insertInventorySnapshot(web.testDb.db, buildInventorySnapshot(await readInventory(path.join(dir, 'hosts'))));
    const res = await get('/api/v1/inventory/tree');
    assert.equal(res.statusCode, 200);
    const tree = JSON.parse(res.payload) as InventoryTree;
    assert.equal(tree.version, stored.id);
    assert.equal(tree.source, path.join(dir, 'hosts'));
    assert.ok(!Number.isNaN(Date.parse(tree.loadedAt)));
    assert.deepEqual(
      tree.groups.map((g) => [g.name, g.children, g.hosts]),
      [
        ['all', ['ungrouped', 'prod'], []],
        ['ungrouped', [], []],
        ['web', [], ['web1', '<img src=x onerror=alert(1)>']],
        ['db', [], ['db1']],
        ['prod', ['web', 'db'], []],
      ],
    );
    assert.deepEqual(tree.groups.find((g) => g.name === 'web')?.vars, { deploy_token: MASKED, http_port: 8080 });
    assert.deepEqual(Object.keys(tree.hosts), ['web1', '<img src=x onerror=alert(1)>', 'db1']);
    assert.deepEqual(tree.hosts['web1'], {
      groups: ['prod', 'web'],
      vars: { deploy_token: MASKED, http_port: 8080, ansible_host: '10.0.0.1', ansible_password: MASKED, ansible_ssh_private_key_file: '/keys/web1' },
    });
    assert.deepEqual(tree.hosts['db1']?.vars, { ansible_host: '10.0.0.2', api_key: MASKED, backup: { target: 's3://backups', secret_key: MASKED } });
  });

  void test('one host: its groups and merged vars; an unknown host is a 404 naming it', async () => {
    const res = await get('/api/v1/inventory/hosts/db1');
    assert.equal(res.statusCode, 200);
    const host = JSON.parse(res.payload) as InventoryHostVars;
    const tree = JSON.parse((await get('/api/v1/inventory/tree')).payload) as InventoryTree;
    assert.deepEqual(host, { name: 'db1', version: tree.version, loadedAt: tree.loadedAt, groups: ['db', 'prod'], vars: tree.hosts['db1']?.vars });

    const odd = await get(`/api/v1/inventory/hosts/${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
    assert.equal(odd.statusCode, 200);
    assert.equal((JSON.parse(odd.payload) as InventoryHostVars).name, '<img src=x onerror=alert(1)>');

    const missing = await get('/api/v1/inventory/hosts/nope');
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(JSON.parse(missing.payload), { statusCode: 404, error: 'Not Found', message: 'no host named "nope" in the inventory' });
  });

  void test('no secret appears in any response, to a viewer or an admin', async () => {
    const urls = ['/api/v1/inventory', '/api/v1/inventory/tree', '/api/v1/inventory/hosts/web1', '/api/v1/inventory/hosts/db1'];
    for (const headers of [web.asViewer, web.asAdmin]) {
      for (const url of urls) {
        const res = await web.server.inject({ url, headers });
        assert.equal(res.statusCode, 200, url);
        for (const secret of SECRETS) assert.ok(!res.payload.includes(secret), `${url} leaks ${secret}`);
      }
    }
  });
});
