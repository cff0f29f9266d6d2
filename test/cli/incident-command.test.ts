import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { runIncidentCommand } from '../../cli/commands/incident-command.ts';
import { listIncidents } from '../../lib/db/queries/list-incidents.ts';
import { migrateToLatest } from '../../lib/db/migrate.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import { silentLogger } from '../../lib/log.ts';
import type { ApiIncident } from '../../lib/web/status-incidents.ts';
import type { ApiStatusPage } from '../../lib/web/status-page.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestUser } from '../support/test-users.ts';

const NOW = Date.parse('2025-06-01T08:00:00.000Z');

async function run(env: NodeJS.ProcessEnv, positionals: string[], values: Record<string, unknown> = {}, now = NOW) {
  let out = '';
  let err = '';
  const code = await runIncidentCommand(values, positionals, { env, out: (t) => (out += t), err: (t) => (err += t), now: () => now });
  return { code, out, err };
}

void describe('vigil incident', () => {
  let testDb: TestDatabase;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    env = { VIGIL_DATABASE_URL: testDb.url, USER: 'tester' };
  });
  after(async () => testDb?.close());

  void test('open, update, list, resolve and delete against PostgreSQL', async () => {
    const opened = await run(env, ['open'], { title: 'Checkout errors', message: 'Some payments fail.\nWe are on it.', impact: 'major', groups: 'shop, api,shop' });
    assert.equal(opened.code, 0, opened.err);
    assert.match(opened.out, /^incident (\d+) opened: Checkout errors \(major, investigating\)\n$/);
    const id = Number(/incident (\d+)/.exec(opened.out)?.[1]);

    const identified = await run(env, ['update', String(id)], { status: 'identified', message: 'A full disk on db-1.', impact: 'critical', by: 'dave' }, NOW + 600_000);
    assert.equal(identified.code, 0, identified.err);
    assert.equal(identified.out, `incident ${id} updated: Checkout errors (critical, identified)\n`);

    const listed = await run(env, ['list']);
    assert.equal(listed.code, 0, listed.err);
    assert.equal(listed.out, [
      `${String(id).padStart(5)}  open      critical     identified     2025-06-01 08:10 UTC  Checkout errors  [shop, api]`,
      '       2025-06-01 08:10 UTC dave: A full disk on db-1.',
      '',
    ].join('\n'));

    assert.equal((await run(env, ['update', String(id)], { status: 'monitoring', message: 'Watching.', groups: 'shop' }, NOW + 1_200_000)).code, 0);
    const resolved = await run(env, ['update', String(id)], { status: 'resolved', message: 'Space freed.' }, NOW + 1_800_000);
    assert.equal(resolved.out, `incident ${id} resolved: Checkout errors (critical, resolved)\n`);
    assert.equal((await run(env, ['list'])).out, 'no open incidents\n');

    const json = await run(env, ['list'], { all: true, json: true });
    const incidents = (JSON.parse(json.out) as { incidents: ApiIncident[] }).incidents;
    assert.deepEqual(incidents.map((i) => [i.id, i.status, i.resolvedAt, i.groups, i.updates.map((u) => `${u.by} ${u.status} ${u.message}`)]), [[
      id, 'resolved', '2025-06-01T08:30:00.000Z', ['shop'],
      ['tester resolved Space freed.', 'tester monitoring Watching.', 'dave identified A full disk on db-1.', 'tester investigating Some payments fail.\nWe are on it.'],
    ]]);

    const deleted = await run(env, ['delete', String(id)]);
    assert.equal(deleted.code, 0, deleted.err);
    assert.equal(deleted.out, `incident ${id} deleted\n`);
    assert.deepEqual(await listIncidents(testDb.db), []);
  });

  void test('bad input exits 2 with what to give; an unknown id exits 1', async () => {
    const cases: Array<[string[], Record<string, unknown>, RegExp]> = [
      [['open'], { message: 'm' }, /give --title/],
      [['open'], { title: 't' }, /give --message/],
      [['open'], { title: 't', message: 'm', impact: 'huge' }, /--impact must be one of minor, major, critical, maintenance, not "huge"/],
      [['open'], { title: 'x'.repeat(201), message: 'm' }, /--title is longer than 200 characters/],
      [['open', 'extra'], { title: 't', message: 'm' }, /unexpected "extra"/],
      [['update', '1'], { message: 'm' }, /give --status: one of investigating, identified, monitoring, resolved/],
      [['update', '1'], { status: 'fixed', message: 'm' }, /--status must be one of/],
      [['update'], { status: 'resolved', message: 'm' }, /give the id of the incident to update/],
      [['update', '0'], { status: 'resolved', message: 'm' }, /give the id of the incident to update/],
      [['delete', 'abc'], {}, /give the id of the incident to delete/],
      [['close'], {}, /unknown action "close"/],
      [[], {}, /give open, update, list or delete/],
    ];
    for (const [positionals, values, message] of cases) {
      const result = await run(env, positionals, values);
      assert.equal(result.code, 2, `${positionals.join(' ')} ${JSON.stringify(values)}: ${result.err}`);
      assert.match(result.err, message);
    }
    for (const positionals of [['update', '987654'], ['delete', '987654']]) {
      const result = await run(env, positionals, { status: 'resolved', message: 'm' });
      assert.equal(result.code, 1, positionals.join(' '));
      assert.match(result.err, /no incident with id 987654/);
    }
  });

  void test('without VIGIL_DATABASE_URL: through the API of a running `vigil up`, with an admin\'s VIGIL_API_TOKEN; the status page shows it at once', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigil-incident-api-'));
    const opened = await openDatabase({ dataDir });
    let server: Server | undefined;
    try {
      await migrateToLatest(opened.db);
      server = await createWebServer({
        db: opened.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, now: () => NOW, statusPage: { groups: ['web'], title: 'Status' },
      });
      await server.start();
      const admin = await createTestUser(opened.db, { name: 'opsadmin', role: 'admin' });
      const viewer = await createTestUser(opened.db, { role: 'viewer' });
      const port = String(server.info.port);
      const statusIncidents = async () => (JSON.parse((await server?.inject({ url: '/api/v1/status' }))?.payload ?? '{}') as ApiStatusPage).incidents;
      assert.deepEqual(await statusIncidents(), [], 'built and cached before');

      const anonymous = await run({ VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: port }, ['list']);
      assert.equal(anonymous.code, 1);
      assert.match(anonymous.err, /needs a login: set VIGIL_API_TOKEN to an admin's API token/);
      const asViewer = { VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: port, VIGIL_API_TOKEN: viewer.token };
      assert.equal((await run(asViewer, ['list'])).code, 0, 'a viewer may list');
      const refused = await run(asViewer, ['open'], { title: 't', message: 'm' });
      assert.equal(refused.code, 1);
      assert.match(refused.err, /incidents need an admin's token/);

      const viaApi = { VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: port, USER: 'tester', VIGIL_API_TOKEN: admin.token };
      const added = await run(viaApi, ['open'], { title: 'Planned database upgrade', message: 'Read-only for 10 minutes.', impact: 'maintenance', status: 'identified' });
      assert.equal(added.code, 0, added.err);
      const id = Number(/incident (\d+)/.exec(added.out)?.[1]);
      assert.deepEqual((await statusIncidents()).map((i) => [i.id, i.title, i.impact]), [[id, 'Planned database upgrade', 'maintenance']]);
      // Through the API the incident belongs to the token's user: $USER and --by are not proof of anything.
      assert.equal((await listIncidents(opened.db))[0]?.createdBy, 'opsadmin');
      assert.equal((await run(viaApi, ['update', String(id)], { status: 'resolved', message: 'Done.' })).code, 0);
      assert.equal((await run(viaApi, ['update', '424242'], { status: 'resolved', message: 'x' })).code, 1);
      assert.match((await run(viaApi, ['list'], { all: true })).out, /resolved.*Planned database upgrade\n.*opsadmin: Done\./);
      assert.equal((await run(viaApi, ['delete', String(id)])).code, 0);
      assert.equal((await run(viaApi, ['delete', String(id)])).code, 1);
      assert.deepEqual(await statusIncidents(), []);
    } finally {
      await server?.stop();
      await opened.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
