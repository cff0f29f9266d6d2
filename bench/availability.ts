// GET /api/v1/availability at fleet sizes (`npm run bench:availability`): one availability report
// of every host over 30 days, beside a bare baseline timed in the same run on the same rows: the
// two queries alone (selectAvailabilityInputs: the hosts and their outages read from PostgreSQL),
// the least any report of these figures does. What the report adds is the merging of outages,
// the maintenance windows and the answer's JSON.
// The fleet: every host seen for 60 days, a quarter of them with one of four nightly or weekly
// maintenance settings, and per host three host-down outages and two of a failing check in the
// 30 days (five episodes a host). The report is a real HTTP request to the hapi server with a
// bearer token, its body read whole. The longest the event loop was held during a report is what
// any other request to the web service may wait behind it; its baseline is the longest hold while
// the same client reads /healthz over and over.
// Then the public status page (GET /api/v1/status, its 30 s cache off) of the fleet's eu-west
// group, a third of the hosts: 90 daily figures a host, beside its own queries alone.
// Run: node --import tsx bench/availability.ts [--hosts 1000,10000] [--rounds 5]
import { get } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { selectAvailabilityInputs } from '../lib/db/queries/select-availability-inputs.ts';
import { selectLatestChecks } from '../lib/db/queries/select-latest-checks.ts';
import { silentLogger } from '../lib/log.ts';
import { createWebServer } from '../services/web/web-server.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { createTestUser } from '../test/support/test-users.ts';
import { fleetHostName, seedFleet } from './web-seed.ts';
import { longestHoldMs, median, readHealthzForASecond, timed } from './event-loop-hold.ts';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '1000,10000' }, rounds: { type: 'string', default: '5' } } });
const sizes = values.hosts.split(',').map(Number);
const rounds = Number(values.rounds);
const DAY_MS = 86_400_000;
const MAINTENANCE = [
  [{ start: '02:00', end: '04:00', timezone: 'UTC' }],
  [{ days: ['sun'], start: '01:00', end: '05:00', timezone: 'Europe/Berlin' }],
  [{ days: ['sat', 'sun'], start: '22:00', end: '02:00', timezone: 'America/New_York' }],
  [{ start: '03:30', end: '04:00', timezone: 'Asia/Tokyo' }, { days: ['wed'], start: '12:00', end: '13:00', timezone: 'UTC' }],
];



const rows: string[] = [];
const statusRows: string[] = [];
for (const count of sizes) {
  const testDb = await createTestDatabase('postgres');
  const { db } = testDb;
  const now = Date.now();
  const names = Array.from({ length: count }, (_, i) => fleetHostName(i));
  await seedFleet(db, names, [], now);
  await sql`UPDATE hosts SET created_at = ${new Date(now - 60 * DAY_MS).toISOString()}::timestamptz`.execute(db);
  for (const [i, setting] of MAINTENANCE.entries()) {
    const chosen = names.filter((_, n) => n % 16 === i);
    await sql`UPDATE hosts SET alerting = ${JSON.stringify({ maintenance: setting })}::jsonb WHERE name = ANY(${chosen}::text[])`.execute(db);
  }
  // Outages spread over the 30 days by a fixed pattern per host: 3 host-down (5-125 minutes), 2 of a check.
  await sql`
    INSERT INTO alert_episodes (alert_key, rule, kind, host, labels, severity, started_at, ended_at)
    SELECT rule || '|' || h || CASE WHEN rule = 'check_failing' THEN '|http' ELSE '' END, rule,
           CASE WHEN rule = 'host_down' THEN 'host-down' ELSE 'check-failing' END, h,
           CASE WHEN rule = 'check_failing' THEN '{"id":"http"}' ELSE '{}' END::json, 'critical',
           ${new Date(now).toISOString()}::timestamptz - make_interval(mins => ((n * 8641 + k * 6007) % 43000 + 200)::int),
           ${new Date(now).toISOString()}::timestamptz - make_interval(mins => ((n * 8641 + k * 6007) % 43000 + 200 - 5 - (n + k) % 120)::int)
      FROM unnest(${names}::text[]) WITH ORDINALITY AS f(h, n),
           generate_series(0, 4) AS k,
           LATERAL (SELECT CASE WHEN k < 3 THEN 'host_down' ELSE 'check_failing' END AS rule) r`.execute(db);
  const episodes = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM alert_episodes`.execute(db)).rows[0]?.n ?? 0;
  const server = await createWebServer({
    db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, statusPage: { groups: ['eu-west'], title: 'Status', cacheMs: 0 },
  });
  await server.start();
  const user = await createTestUser(db, { role: 'viewer' });
  const from = now - 30 * DAY_MS;
  const url = `http://127.0.0.1:${server.info.port}/api/v1/availability?from=${from}&to=${now}`;
  let bytes = 0;
  let answer = '';
  const fetchText = (target: string): Promise<string> =>
    new Promise((resolve, reject) => {
      get(target, { agent: false, headers: user.headers }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`GET ${target}: ${response.statusCode}`));
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk)).on('error', reject).on('end', () => resolve(Buffer.concat(chunks).toString()));
      }).on('error', reject);
    });
  const statusUrl = `http://127.0.0.1:${server.info.port}/api/v1/status`;
  const statusPage = () => fetchText(statusUrl);
  const statusQueries = async () => {
    const inputs = await selectAvailabilityInputs(db, { from: now - 90 * DAY_MS, to: Date.now(), group: 'eu-west' });
    await selectLatestChecks(db, { hosts: inputs.hosts.map((h) => h.name), since: Date.now() - DAY_MS });
  };
  const report = async (): Promise<void> => {
    answer = await fetchText(url);
    bytes = answer.length;
  };
  const query = () => selectAvailabilityInputs(db, { from, to: now });
  // Warm-up, and a check that the report covers what was seeded.
  await report();
  const parsed = JSON.parse(answer) as { hosts: Array<{ outages: number; checks: unknown[] }> };
  if (parsed.hosts.length !== count) throw new Error(`the report lists ${parsed.hosts.length} hosts, not ${count}`);
  const outages = parsed.hosts.reduce((sum, h) => sum + h.outages, 0);
  if (outages === 0) throw new Error('the report counts no outage');
  await query();
  const statusSubjects = (JSON.parse(await statusPage()) as { sections: Array<{ subjects: unknown[] }> }).sections[0]?.subjects.length ?? 0;
  if (statusSubjects === 0) throw new Error('the status page lists nothing');
  await statusQueries();
  const longestHold = longestHoldMs;
  const healthLoop = () => readHealthzForASecond(Number(server.info.port));
  const reportMs: number[] = [];
  const queryMs: number[] = [];
  const holdMs: number[] = [];
  const bareHoldMs: number[] = [];
  const statusMs: number[] = [];
  const statusQueryMs: number[] = [];
  const statusHoldMs: number[] = [];
  // Taking turns, so that load from elsewhere on the machine hits all alike.
  for (let round = 0; round < rounds; round++) {
    reportMs.push(await timed(report));
    queryMs.push(await timed(query));
    holdMs.push(await longestHold(report));
    bareHoldMs.push(await longestHold(healthLoop));
    statusMs.push(await timed(statusPage));
    statusQueryMs.push(await timed(statusQueries));
    statusHoldMs.push(await longestHold(statusPage));
  }
  await server.stop();
  await testDb.close();
  const [report_, query_, hold, bareHold] = [median(reportMs), median(queryMs), median(holdMs), median(bareHoldMs)];
  rows.push(
    `| ${count} | ${episodes} | ${outages} | ${(bytes / 1e6).toFixed(2)} MB | ${report_.toFixed(0)} | ${query_.toFixed(0)} | ${(report_ / query_).toFixed(2)} | ${hold.toFixed(0)} | ${bareHold.toFixed(1)} | ${(hold / bareHold).toFixed(0)} |`,
  );
  const [status, statusQuery, statusHold] = [median(statusMs), median(statusQueryMs), median(statusHoldMs)];
  statusRows.push(`| ${count} | ${statusSubjects} | ${status.toFixed(0)} | ${statusQuery.toFixed(0)} | ${(status / statusQuery).toFixed(2)} | ${statusHold.toFixed(0)} | ${bareHold.toFixed(1)} | ${(statusHold / bareHold).toFixed(0)} |`);
  process.stderr.write(`${count} hosts done\n`);
}
process.stdout.write([
  `availability benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, PostgreSQL, median of ${rounds} rounds; 1-minute load average at the end ${loadavg()[0]?.toFixed(1)}`,
  '',
  '| hosts | episodes | host outages counted | body | report ms | bare: queries alone ms | report vs queries | longest event-loop hold in a report ms | bare: longest hold reading /healthz ms | hold vs bare |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  'The status page of the eu-west group (a third of the hosts), built on every request:',
  '',
  '| fleet hosts | hosts on the page | build ms | bare: its queries alone ms | build vs queries | longest event-loop hold in a build ms | bare: longest hold reading /healthz ms | hold vs bare |',
  '|---|---|---|---|---|---|---|---|',
  ...statusRows,
  '',
].join('\n'));
