import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Hapi from '@hapi/hapi';
import { runUserCommand } from '../../cli/commands/user-command.ts';
import { verifyPassword } from '../../lib/auth/password-hash.ts';
import { insertSession, selectLiveSession } from '../../lib/db/queries/sessions.ts';
import { listUsers, selectPasswordHash } from '../../lib/db/queries/user-accounts.ts';
import { PROJECT_ROOT } from '../../lib/paths.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

async function run(env: NodeJS.ProcessEnv, positionals: string[], values: Record<string, unknown> = {}, stdin = '') {
  let out = '';
  let err = '';
  const code = await runUserCommand(values, positionals, { env, out: (t) => (out += t), err: (t) => (err += t), readStdin: async () => stdin });
  return { code, out, err };
}

/** The real `vigil` binary with `input` on its standard input. */
function vigil(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/vigil.mjs'), ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

void describe('vigil user', () => {
  let testDb: TestDatabase;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    env = { VIGIL_DATABASE_URL: testDb.url };
  });
  after(async () => testDb?.close());

  void test('`vigil user add NAME --admin --password-stdin` (the real command, password piped in) creates the first admin', async () => {
    const result = await vigil(['user', 'add', 'root', '--admin', '--password-stdin'], env, 'first-admin-password\n');
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'user root added (admin)\n');
    assert.doesNotMatch(result.stdout + result.stderr, /first-admin-password/);
    const stored = await selectPasswordHash(testDb.db, 'root');
    assert.equal(stored?.role, 'admin');
    assert.equal(await verifyPassword('first-admin-password', stored?.passwordHash ?? ''), true, 'the trailing newline is not part of the password');
  });

  void test('a taken name is an error that changes nothing and says how to change the password', async () => {
    const again = await run(env, ['add', 'root'], { 'password-stdin': true }, 'other-password\n');
    assert.equal(again.code, 1);
    assert.match(again.err, /a user named "root" already exists; change its password with `vigil user passwd root`/);
    assert.equal(await verifyPassword('first-admin-password', (await selectPasswordHash(testDb.db, 'root'))?.passwordHash ?? ''), true);
  });

  void test('add without --password-stdin generates a password and prints it once; --role viewer is the default', async () => {
    const added = await run(env, ['add', 'viv']);
    assert.equal(added.code, 0, added.err);
    const password = /^password: (\S+)$/m.exec(added.out)?.[1] ?? '';
    assert.match(password, /^[A-Za-z2-9]{20}$/);
    assert.match(added.out, /^user viv added \(viewer\)$/m);
    assert.equal(await verifyPassword(password, (await selectPasswordHash(testDb.db, 'viv'))?.passwordHash ?? ''), true);
    assert.equal((await run(env, ['add', 'ops'], { role: 'admin', 'password-stdin': true }, 'ops-password')).code, 0);
  });

  void test('list shows names and roles', async () => {
    const listed = await run(env, ['list']);
    assert.equal(listed.code, 0);
    assert.match(listed.out, /^name\s+role\s+created\nops\s+admin\s+\S+\nroot\s+admin\s+\S+\nviv\s+viewer\s+\S+\n$/);
  });

  void test('passwd sets a new password and ends the user\'s sessions', async () => {
    const now = Date.now();
    await insertSession(testDb.db, { idHash: 'viv-session', userName: 'viv', csrfToken: 'c', at: now });
    const changed = await run(env, ['passwd', 'viv'], { 'password-stdin': true }, 'vivs-new-password\r\n');
    assert.equal(changed.code, 0, changed.err);
    assert.equal(changed.out, 'password of viv changed; 1 session(s) ended\n');
    assert.equal(await verifyPassword('vivs-new-password', (await selectPasswordHash(testDb.db, 'viv'))?.passwordHash ?? ''), true);
    assert.equal(await selectLiveSession(testDb.db, 'viv-session', { now, idleMs: 1e9, absoluteMs: 1e9 }), null);
    assert.equal((await run(env, ['passwd', 'nobody'], { 'password-stdin': true }, 'whatever-password')).code, 1);
  });

  void test('remove deletes a user; the last admin cannot be removed', async () => {
    assert.equal((await run(env, ['remove', 'viv'])).code, 0);
    assert.equal((await run(env, ['remove', 'ops'])).code, 0);
    const last = await run(env, ['remove', 'root']);
    assert.equal(last.code, 1);
    assert.match(last.err, /root is the last admin/);
    assert.deepEqual((await listUsers(testDb.db)).map((u) => u.name), ['root']);
    assert.match((await run(env, ['remove', 'viv'])).err, /no user named "viv"/);
  });

  void test('bad input exits 2 with a message saying what to give', async () => {
    const cases: Array<[string[], Record<string, unknown>, string, RegExp]> = [
      [['add'], {}, '', /give the user's name/],
      [['add', 'bad name'], {}, '', /a user name has 1 to 64 letters/],
      [['add', 'x'], { role: 'root' }, '', /--role must be viewer or admin/],
      [['add', 'x'], { admin: true, role: 'viewer' }, '', /contradict/],
      [['add', 'x'], { 'password-stdin': true }, '', /read nothing/],
      [['add', 'x'], { 'password-stdin': true }, 'short\n', /at least 8 characters/],
      [['add', 'x'], { 'password-stdin': true }, 'line-one-long\nline-two-long\n', /one line/],
      [['list', 'extra'], {}, '', /unexpected "extra"/],
      [['rename', 'x'], {}, '', /unknown action "rename"/],
      [[], {}, '', /give add, list, remove or passwd/],
    ];
    for (const [positionals, values, stdin, message] of cases) {
      const result = await run(env, positionals, values, stdin);
      assert.equal(result.code, 2, positionals.join(' '));
      assert.match(result.err, message);
    }
  });

  void test('without VIGIL_DATABASE_URL it refuses to open the embedded database while `vigil up` answers', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'vigil-user-cli-'));
    const server = Hapi.server({ host: '127.0.0.1', port: 0 });
    server.route({ method: 'GET', path: '/healthz', handler: () => ({ status: 'ok' }) });
    await server.start();
    try {
      const result = await run({ VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: String(server.info.port) }, ['list']);
      assert.equal(result.code, 1);
      assert.match(result.err, /a running `vigil up` \(http:\/\/127\.0\.0\.1:\d+\) holds the embedded database .*admin page, or stop vigil up first/);
      await server.stop();
      const offline = await run({ VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: String(server.info.port) }, ['list']);
      assert.equal(offline.code, 0, offline.err);
      assert.match(offline.out, /no users; add the first admin/);
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
