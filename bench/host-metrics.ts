// GET /metrics/hosts at fleet sizes (`npm run bench:host-metrics`): what one Prometheus scrape of
// every host costs, beside two bare baselines timed in the same run on the same rows:
//   - the query alone (selectHostMetrics: the newest sample of every host read from PostgreSQL),
//     the least any export of these figures does;
//   - prom-client, the usual Node.js Prometheus library, rendering the same series from gauges
//     already set (its setup is not timed), against Vigil's renderer over the rows in memory.
// The scrape is a real HTTP request to the hapi server with a bearer token, gzip asked for as
// Prometheus asks, the body read and unzipped whole. Each host has the simulator's output for a few polls,
// parsed and built as a worker does, so devices (disks, interfaces, filesystems, cores) are real.
// The longest the event loop was held during a scrape is what any other request to the web
// service (the dashboard, the API) may wait behind it; it is measured beside the longest hold
// while the same client reads /healthz over and over, its own baseline.
// Run: node --import tsx bench/host-metrics.ts [--hosts 1000,10000] [--rounds 5]
import { get } from 'node:http';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { Gauge, Registry } from 'prom-client';
import { buildSample } from '../lib/collect/build-sample.ts';
import { parsePollOutput } from '../lib/collect/parse-poll-output.ts';
import type { Sample } from '../lib/collect/sample.ts';
import { ensureSamplePartitions } from '../lib/db/ensure-sample-partitions.ts';
import { insertSamples } from '../lib/db/queries/insert-samples.ts';
import { selectHostMetrics } from '../lib/db/queries/select-host-metrics.ts';
import type { HostMetricsRow } from '../lib/db/queries/select-host-metrics.ts';
import { silentLogger } from '../lib/log.ts';
import { renderHostMetrics } from '../lib/metrics/host-metrics-text.ts';
import { renderPollOutput } from '../lib/simulator/render-poll-output.ts';
import { advanceHostState, createHostState } from '../lib/simulator/simulated-host-state.ts';
import { createWebServer } from '../services/web/web-server.ts';
import { createTestDatabase } from '../test/support/test-database.ts';
import { createTestUser } from '../test/support/test-users.ts';
import { fleetHostName, seedFleet } from './web-seed.ts';
import { longestHoldMs, median, readHealthzForASecond, timed } from './event-loop-hold.ts';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '1000,10000' }, rounds: { type: 'string', default: '5' } } });
const sizes = values.hosts.split(',').map(Number);
const rounds = Number(values.rounds);
const POLLS_PER_HOST = 3;



/** prom-client gauges holding exactly the series Vigil's text has, read back from that text. */
function promClientRegistryOf(text: string): Registry {
  // Read whole first: a family's label names (an optional fstype) must be known when its gauge is made.
  const families = new Map<string, { help: string; labelNames: Set<string>; series: Array<[Record<string, string>, number]> }>();
  let help = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('# HELP ')) help = line.slice(line.indexOf(' ', 7) + 1);
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const name = line.slice(0, brace);
    const labels: Record<string, string> = {};
    for (const m of line.slice(brace + 1, line.lastIndexOf('}')).matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    let family = families.get(name);
    if (!family) families.set(name, (family = { help, labelNames: new Set(), series: [] }));
    for (const label of Object.keys(labels)) family.labelNames.add(label);
    family.series.push([labels, Number(line.slice(line.lastIndexOf(' ') + 1))]);
  }
  const registry = new Registry();
  for (const [name, family] of families) {
    const gauge = new Gauge({ name, help: family.help, labelNames: [...family.labelNames], registers: [registry] });
    for (const [labels, value] of family.series) gauge.set(labels, value);
  }
  return registry;
}

const rows: string[] = [];
for (const count of sizes) {
  const testDb = await createTestDatabase('postgres');
  const { db } = testDb;
  const now = Date.now();
  const names = Array.from({ length: count }, (_, i) => fleetHostName(i));
  await seedFleet(db, names, [], now);
  await ensureSamplePartitions(db, now - 3_600_000, 2);
  let batch: Sample[] = [];
  for (const [i, name] of names.entries()) {
    const state = createHostState(name, i, now - (POLLS_PER_HOST + 1) * 10_000);
    let previous = parsePollOutput(renderPollOutput(state));
    for (let poll = POLLS_PER_HOST; poll >= 1; poll--) {
      const ts = now - poll * 10_000;
      advanceHostState(state, ts);
      const snapshot = parsePollOutput(renderPollOutput(state, poll === 1 ? 'light' : 'full'));
      batch.push(buildSample(name, ts, snapshot, previous));
      previous = snapshot;
    }
    if (batch.length >= 1000) {
      await insertSamples(db, batch);
      batch = [];
    }
  }
  await insertSamples(db, batch);
  // An hour's interval keeps the figures fresh (not stale: three intervals) for the whole run: seeding 10,000 hosts takes a minute.
  await db.updateTable('hosts').set({ status: 'up', interval_sec: 3600 }).execute();
  const server = await createWebServer({ db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger });
  await server.start();
  const user = await createTestUser(db, { role: 'viewer' });
  const url = `http://127.0.0.1:${server.info.port}/metrics/hosts`;
  let bytes = 0;
  // A new connection each time (agent: false): this process also blocks its event loop for seconds
  // in the baselines, and a kept-alive socket reused as the server times it out reads ECONNRESET.
  const scrape = (): Promise<void> =>
    new Promise((resolve, reject) => {
      get(url, { agent: false, headers: { ...user.headers, 'accept-encoding': 'gzip' } }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`GET ${url}: ${response.statusCode}`));
        const chunks: Buffer[] = [];
        response.pipe(createGunzip()).on('data', (chunk: Buffer) => chunks.push(chunk)).on('error', reject).on('end', () => {
          bytes = Buffer.concat(chunks).length;
          resolve();
        });
      }).on('error', reject);
    });
  const hostRows: HostMetricsRow[] = await selectHostMetrics(db, { now: Date.now() });
  const text = [...renderHostMetrics(hostRows)].join('');
  const registry = promClientRegistryOf(text);
  const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  // Warm-up: one of each, and the scrape checked against the rows rendered in memory.
  await scrape();
  if (bytes !== text.length) throw new Error(`the scrape gave ${bytes} bytes, the rows rendered in memory ${text.length}`);
  await selectHostMetrics(db, { now: Date.now() });
  const promClientSeries = (await registry.metrics()).split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  if (promClientSeries !== series) throw new Error(`prom-client renders ${promClientSeries} series, Vigil ${series}`);
  const longestHold = longestHoldMs;
  const healthLoop = () => readHealthzForASecond(Number(server.info.port));
  const holdMs: number[] = [];
  const bareHoldMs: number[] = [];
  const scrapeMs: number[] = [];
  const queryMs: number[] = [];
  const renderMs: number[] = [];
  const promClientMs: number[] = [];
  // Taking turns, so that load from elsewhere on the machine hits all four alike.
  for (let round = 0; round < rounds; round++) {
    scrapeMs.push(await timed(scrape));
    queryMs.push(await timed(() => selectHostMetrics(db, { now: Date.now() })));
    renderMs.push(await timed(async () => [...renderHostMetrics(hostRows)].join('').length));
    promClientMs.push(await timed(() => registry.metrics()));
    holdMs.push(await longestHold(scrape));
    bareHoldMs.push(await longestHold(healthLoop));
  }
  await server.stop();
  await testDb.close();
  const [scrape_, query, render, promClient, hold, bareHold] = [median(scrapeMs), median(queryMs), median(renderMs), median(promClientMs), median(holdMs), median(bareHoldMs)];
  rows.push(
    `| ${count} | ${series} | ${(bytes / 1e6).toFixed(1)} MB | ${scrape_.toFixed(0)} | ${query.toFixed(0)} | ${(scrape_ / query).toFixed(2)} | ${render.toFixed(0)} | ${promClient.toFixed(0)} | ${(render / promClient).toFixed(2)} | ` +
      `${hold.toFixed(0)} | ${bareHold.toFixed(1)} | ${(hold / bareHold).toFixed(0)} |`,
  );
  process.stderr.write(`${count} hosts done\n`);
}
process.stdout.write([
  `host metrics benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, PostgreSQL, median of ${rounds} rounds; 1-minute load average at the end ${loadavg()[0]?.toFixed(1)}`,
  '',
  '| hosts | series | body | scrape ms | bare: query alone ms | scrape vs query | render ms | bare: prom-client render ms | render vs prom-client | longest event-loop hold in a scrape ms | bare: longest hold reading /healthz ms | hold vs bare |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
].join('\n'));
