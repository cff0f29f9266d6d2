// The web service as `vigil web` starts it in a fleet: its configuration reaches the login
// (VIGIL_COOKIE_SECURE) and an installation without users says how to create the first one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../../lib/config.ts';
import { createLogger } from '../../../lib/log.ts';
import { runWeb } from '../../../services/web/main.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { createTestUser } from '../../support/test-users.ts';

async function startWeb(env: Record<string, string>) {
  const lines: string[] = [];
  const log = createLogger({}, { level: 'info', write: (line) => lines.push(line) });
  const steps = await runWeb(loadConfig('web', { VIGIL_HTTP_PORT: '0', ...env }), log);
  const listening = lines.map((line) => JSON.parse(line) as { msg: string; url?: string }).find((entry) => entry.msg === 'web server listening');
  assert.ok(listening?.url, lines.join('\n'));
  return { url: listening.url, lines, stop: async () => { for (const step of steps) await step.run(); } };
}

void describe('vigil web', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(async () => testDb?.close());

  void test('with no users it warns, naming the command that creates the first admin; the API still needs a login', async () => {
    const web = await startWeb({ VIGIL_DATABASE_URL: testDb.url ?? '' });
    try {
      const warning = web.lines.map((line) => JSON.parse(line) as { level: string; msg: string }).find((entry) => entry.level === 'warn' && /no users yet/.test(entry.msg));
      assert.ok(warning, web.lines.join('\n'));
      assert.match(warning.msg, /vigil user add NAME --admin --password-stdin/);
      assert.equal((await fetch(`${web.url}/api/v1/hosts`)).status, 401);
      assert.equal((await fetch(`${web.url}/healthz`)).status, 200);
    } finally {
      await web.stop();
    }
  });

  void test('with a user there is no warning, and VIGIL_COOKIE_SECURE=true makes the session cookie Secure', async () => {
    const user = await createTestUser(testDb.db, { role: 'viewer' });
    const web = await startWeb({ VIGIL_DATABASE_URL: testDb.url ?? '', VIGIL_COOKIE_SECURE: 'true' });
    try {
      assert.ok(!web.lines.some((line) => line.includes('no users yet')));
      const login = await fetch(`${web.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: user.name, password: user.password }) });
      assert.equal(login.status, 200);
      assert.match(login.headers.get('set-cookie') ?? '', /^vigil_session=[^;]+; Secure; HttpOnly; SameSite=Strict; Path=\/$/);
      assert.match(login.headers.get('strict-transport-security') ?? '', /^max-age=31536000/);
    } finally {
      await web.stop();
    }
  });
});
