import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { runSilenceCommand } from '../../cli/commands/silence-command.ts';
import { listSilences } from '../../lib/db/queries/list-silences.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import { silentLogger } from '../../lib/log.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestUser } from '../support/test-users.ts';

const NOW = Date.parse('2025-06-01T08:00:00.000Z');

async function run(env: NodeJS.ProcessEnv, positionals: string[], values: Record<string, unknown> = {}) {
  let out = '';
  let err = '';
  const code = await runSilenceCommand(values, positionals, { env, out: (t) => (out += t), err: (t) => (err += t), now: () => NOW });
  return { code, out, err };
}

/** A loopback port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

void describe('vigil silence', () => {
  let testDb: TestDatabase;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    env = { VIGIL_DATABASE_URL: testDb.url, USER: 'tester' };
  });
  after(async () => testDb?.close());

  void test('add, list and expire against PostgreSQL', async () => {
    const added = await run(env, ['add'], { group: 'edge', rule: 'host-down', for: '2h', comment: 'switch swap' });
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /^silence (\d+) added: group=edge rule=host-down until 2025-06-01T10:00:00.000Z\n$/);
    const id = Number(/silence (\d+)/.exec(added.out)?.[1]);

    const stored = await listSilences(testDb.db);
    assert.deepEqual(stored.map((s) => [s.id, s.matchers, s.createdBy, s.comment, s.endsAt]), [[id, { group: 'edge', rule: 'host-down' }, 'tester', 'switch swap', NOW + 7_200_000]]);

    const listed = await run(env, ['list']);
    assert.equal(listed.code, 0);
    assert.match(listed.out, new RegExp(`^\\s+${id}  active   until 2025-06-01T10:00:00.000Z  group=edge rule=host-down  by tester: switch swap\\n$`));

    const expired = await run(env, ['expire', String(id)]);
    assert.equal(expired.code, 0, expired.err);
    assert.equal(expired.out, `silence ${id} expired\n`);
    assert.equal((await run(env, ['list'])).out, 'no silences in force\n');
    assert.match((await run(env, ['list'], { all: true })).out, /expired/);
  });

  void test('bad input exits 2 with a message saying what to give; an unknown id exits 1', async () => {
    const cases: Array<[string[], Record<string, unknown>, RegExp]> = [
      [['add'], { for: '2h', comment: 'x' }, /--host, --group or --rule/],
      [['add'], { host: 'a', comment: 'x' }, /--for/],
      [['add'], { host: 'a', for: 'soon', comment: 'x' }, /--for must be a duration/],
      [['add'], { host: 'a', for: '2h' }, /--comment/],
      [['expire'], {}, /id of the silence/],
      [['expire', 'abc'], {}, /id of the silence/],
      [['mute'], {}, /unknown action "mute"/],
      [[], {}, /give add, list or expire/],
    ];
    for (const [positionals, values, message] of cases) {
      const result = await run(env, positionals, values);
      assert.equal(result.code, 2, positionals.join(' '));
      assert.match(result.err, message);
    }
    const unknown = await run(env, ['expire', '987654']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no silence with id 987654/);
  });

  void test('without VIGIL_DATABASE_URL: the embedded database when no `vigil up` answers', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigil-silence-cli-'));
    try {
      const local = { VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: String(await freePort()), USER: 'tester' };
      const added = await run(local, ['add'], { host: 'web-1', for: '30m', comment: 'deploy', by: 'dave' });
      assert.equal(added.code, 0, added.err);
      const listed = await run(local, ['list']);
      assert.match(listed.out, /host=web-1  by dave: deploy/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  void test('without VIGIL_DATABASE_URL: through the API of a running `vigil up` (which holds the embedded database), with an admin\'s VIGIL_API_TOKEN', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigil-silence-api-'));
    const opened = await openDatabase({ dataDir });
    let server: Server | undefined;
    try {
      const { migrateToLatest } = await import('../../lib/db/migrate.ts');
      await migrateToLatest(opened.db);
      server = await createWebServer({ db: opened.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, now: () => NOW });
      await server.start();
      const admin = await createTestUser(opened.db, { name: 'opsadmin', role: 'admin' });
      const viewer = await createTestUser(opened.db, { role: 'viewer' });
      const port = String(server.info.port);

      const anonymous = await run({ VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: port }, ['list']);
      assert.equal(anonymous.code, 1);
      assert.match(anonymous.err, /needs a login: set VIGIL_API_TOKEN/);
      const revoked = await run({ VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: port, VIGIL_API_TOKEN: `vigil_${'x'.repeat(43)}` }, ['list']);
      assert.equal(revoked.code, 1);
      assert.match(revoked.err, /refused VIGIL_API_TOKEN: this API token is unknown, revoked or expired/);
      const asViewer = { VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: port, VIGIL_API_TOKEN: viewer.token };
      assert.equal((await run(asViewer, ['list'])).code, 0, 'a viewer may list');
      const refused = await run(asViewer, ['add'], { host: 'db-1', for: '1h', comment: 'x' });
      assert.equal(refused.code, 1);
      assert.match(refused.err, /silences need an admin's token/);

      const viaApi = { VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: port, USER: 'tester', VIGIL_API_TOKEN: admin.token };
      const added = await run(viaApi, ['add'], { host: 'db-1', for: '1h', comment: 'failover test' });
      assert.equal(added.code, 0, added.err);
      const stored = await listSilences(opened.db);
      // Through the API the silence belongs to the token's user: $USER and --by are not proof of anything.
      assert.deepEqual(stored.map((s) => [s.matchers, s.createdBy]), [[{ host: 'db-1' }, 'opsadmin']]);
      const id = stored[0]?.id as number;
      assert.match((await run(viaApi, ['list'])).out, /host=db-1  by opsadmin: failover test/);
      assert.equal((await run(viaApi, ['expire', String(id)])).code, 0);
      assert.equal((await run(viaApi, ['expire', '424242'])).code, 1);
      assert.notEqual((await listSilences(opened.db))[0]?.expiredAt, null);
    } finally {
      await server?.stop();
      await opened.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
