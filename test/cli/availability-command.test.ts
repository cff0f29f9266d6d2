import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { runAvailabilityCommand } from '../../cli/commands/availability-command.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { migrateToLatest } from '../../lib/db/migrate.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import { silentLogger } from '../../lib/log.ts';
import type { ApiAvailabilityReport } from '../../lib/web/api-availability.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestUser } from '../support/test-users.ts';

const NOW = Date.parse('2025-06-01T08:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function run(env: NodeJS.ProcessEnv, values: Record<string, unknown> = {}) {
  let out = '';
  let err = '';
  const code = await runAvailabilityCommand(values, { env, out: (t) => (out += t), err: (t) => (err += t), now: () => NOW });
  return { code, out, err };
}

/** web-1 down 3 h five days ago (target 99.9 %: missed), its http check 30 min; db-1 never down (target 99 %). */
async function seed(db: VigilDb): Promise<void> {
  const host = (name: string, group: string, targetPct: number) => ({
    name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify([group]), interval_sec: 10, created_at: new Date(NOW - 60 * DAY),
    alerting: JSON.stringify({ availabilityTargetPct: targetPct }),
  });
  await db.insertInto('hosts').values([host('web-1', 'web', 99.9), host('db-1', 'db', 99)]).execute();
  const episode = (kind: string, check: string | null, startedAgo: number, endedAgo: number) => ({
    alert_key: `${kind}|web-1|${check ?? ''}`, rule: kind === 'host-down' ? 'host_down' : 'check_failing', kind, host: 'web-1',
    labels: JSON.stringify(check ? { id: check } : {}), severity: 'critical', started_at: new Date(NOW - startedAgo), ended_at: new Date(NOW - endedAgo),
  });
  await db.insertInto('alert_episodes').values([episode('host-down', null, 5 * DAY + 3 * HOUR, 5 * DAY), episode('check-failing', 'http', 6 * DAY, 6 * DAY - HOUR / 2)]).execute();
}

void describe('vigil availability', () => {
  let testDb: TestDatabase;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    env = { VIGIL_DATABASE_URL: testDb.url };
    await seed(testDb.db);
  });
  after(async () => testDb?.close());

  void test('prints the last 30 days, lowest first, checks under their host; exits 1 when a host missed its target', async () => {
    const { code, out, err } = await run(env);
    assert.equal(err, '');
    assert.equal(code, 1, 'web-1 missed 99.9 %');
    const lines = out.split('\n');
    assert.equal(lines[0], 'Availability 2025-05-02 08:00 – 2025-06-01 08:00 UTC: 2 hosts, 1 with outages, 1 below target');
    assert.match(lines[2] ?? '', /^HOST\s+AVAILABILITY\s+DOWN\s+OUTAGES\s+LONGEST\s+TARGET$/);
    // 3 h of 720; 0.72 h allowed, so 2 h 16 min 48 s over.
    assert.match(lines[3] ?? '', /^web-1\s+99\.5833 %\s+3 h\s+1\s+3 h\s+99\.9 % MISSED, 2 h 16 min over$/);
    assert.match(lines[4] ?? '', /^ {2}check http\s+99\.9306 %\s+30 min\s+1\s+30 min$/);
    assert.match(lines[5] ?? '', /^db-1\s+100 %\s+—\s+0\s+—\s+99 % met, 7 h 12 min left$/);
  });

  void test('--days, --group and --json narrow and change the answer; a bad --days exits 2', async () => {
    const day = await run(env, { days: '1', json: true });
    assert.equal(day.code, 0, 'nothing missed in the last day');
    const report = JSON.parse(day.out) as ApiAvailabilityReport;
    assert.equal(report.from, new Date(NOW - DAY).toISOString());
    assert.deepEqual(report.hosts.map((h) => [h.host, h.availabilityPct, h.targetMet]), [['db-1', 100, true], ['web-1', 100, true]]);
    const db = await run(env, { group: 'db' });
    assert.equal(db.code, 0);
    assert.match(db.out, /: 1 host, 0 with outages\n/);
    for (const days of ['0', '401', 'week']) {
      const bad = await run(env, { days });
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--days .* must be a whole number of days from 1 to 400/);
    }
  });

  void test('without VIGIL_DATABASE_URL: through the API of a running `vigil up`, with VIGIL_API_TOKEN', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigil-availability-api-'));
    const opened = await openDatabase({ dataDir });
    let server: Server | undefined;
    try {
      await migrateToLatest(opened.db);
      await seed(opened.db);
      server = await createWebServer({ db: opened.db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, now: () => NOW });
      await server.start();
      const viewer = await createTestUser(opened.db, { role: 'viewer' });
      const local = { VIGIL_DATA_DIR: dataDir, VIGIL_HTTP_PORT: String(server.info.port) };
      await assert.rejects(run(local), /needs a login: set VIGIL_API_TOKEN/);
      const { code, out } = await run({ ...local, VIGIL_API_TOKEN: viewer.token });
      assert.equal(code, 1);
      assert.match(out, /web-1\s+99\.5833 %/);
    } finally {
      await server?.stop();
      await opened.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
