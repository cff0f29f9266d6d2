import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runTokenCommand } from '../../cli/commands/token-command.ts';
import { sha256Hex } from '../../lib/auth/secrets.ts';
import { selectLiveApiToken } from '../../lib/db/queries/api-tokens.ts';
import { insertUser } from '../../lib/db/queries/user-accounts.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const NOW = Date.parse('2025-07-01T00:00:00.000Z');

async function run(env: NodeJS.ProcessEnv, positionals: string[], values: Record<string, unknown> = {}) {
  let out = '';
  let err = '';
  const code = await runTokenCommand(values, positionals, { env, out: (t) => (out += t), err: (t) => (err += t), now: () => NOW });
  return { code, out, err };
}

void describe('vigil token', () => {
  let testDb: TestDatabase;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    env = { VIGIL_DATABASE_URL: testDb.url };
    await insertUser(testDb.db, { name: 'prom', role: 'viewer', passwordHash: 'x' });
  });
  after(async () => testDb?.close());

  void test('create prints the token alone on stdout, once; the rest goes to stderr; the token works', async () => {
    const created = await run(env, ['create'], { user: 'prom', name: 'prometheus', 'expires-days': '90' });
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /^vigil_[A-Za-z0-9_-]{43}\n$/);
    assert.match(created.err, /^token \d+ "prometheus" for prom, expires 2025-09-29T00:00:00.000Z; it is shown once:\n$/);
    const token = created.out.trim();
    const live = await selectLiveApiToken(testDb.db, sha256Hex(token), NOW);
    assert.deepEqual(live?.user, { name: 'prom', role: 'viewer' });
    assert.equal(await selectLiveApiToken(testDb.db, sha256Hex(token), NOW + 90 * 86_400_000), null, 'expired after 90 days');
    const stored = await testDb.db.selectFrom('api_tokens').select('token_hash').execute();
    assert.ok(stored.every((row) => row.token_hash !== token));
  });

  void test('list shows id, user, name, dates and use, never the token', async () => {
    await run(env, ['create'], { user: 'prom', name: 'forever' });
    const listed = await run(env, ['list']);
    assert.equal(listed.code, 0);
    const lines = listed.out.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /^\s+\d+  prom  "prometheus"  created 2025-07-01T00:00:00.000Z  expires 2025-09-29T00:00:00.000Z  last used never$/);
    assert.match(lines[1] ?? '', /"forever" .* expires never  last used never$/);
    assert.doesNotMatch(listed.out, /vigil_/);
  });

  void test('revoke deletes a token; an unknown id exits 1', async () => {
    const created = await run(env, ['create'], { user: 'prom', name: 'doomed' });
    const id = Number(/^token (\d+)/.exec(created.err)?.[1]);
    const revoked = await run(env, ['revoke', String(id)]);
    assert.equal(revoked.code, 0, revoked.err);
    assert.equal(revoked.out, `token ${id} revoked\n`);
    assert.equal(await selectLiveApiToken(testDb.db, sha256Hex(created.out.trim()), NOW), null);
    const again = await run(env, ['revoke', String(id)]);
    assert.equal(again.code, 1);
    assert.match(again.err, new RegExp(`no API token with id ${id}`));
  });

  void test('bad input exits 2 (or 1 for an unknown user) with a message saying what to give', async () => {
    const cases: Array<[string[], Record<string, unknown>, RegExp]> = [
      [['create'], { name: 'x' }, /give --user NAME/],
      [['create'], { user: 'prom' }, /give --name LABEL/],
      [['create'], { user: 'prom', name: 'x', 'expires-days': '0' }, /--expires-days must be a whole number from 1 to 3650/],
      [['create'], { user: 'prom', name: 'x', 'expires-days': 'soon' }, /--expires-days/],
      [['revoke'], {}, /give the id of the token/],
      [['revoke', 'abc'], {}, /give the id of the token/],
      [['mint'], {}, /unknown action "mint"/],
      [[], {}, /give create, list or revoke/],
    ];
    for (const [positionals, values, message] of cases) {
      const result = await run(env, positionals, values);
      assert.equal(result.code, 2, `${positionals.join(' ')} ${JSON.stringify(values)}`);
      assert.match(result.err, message);
    }
    const unknown = await run(env, ['create'], { user: 'nobody', name: 'x' });
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no user named "nobody"/);
  });
});
