import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { insertSamples } from '../../../lib/db/queries/insert-samples.ts';
import { silentLogger } from '../../../lib/log.ts';
import { createWebServer } from '../../../services/web/web-server.ts';
import { parsePrometheusText, valueOf } from '../../metrics/prometheus-text.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { startTestPrometheus } from '../../support/test-prometheus.ts';
import { testSample } from '../../support/test-samples.ts';
import { createTestUser, type TestUser } from '../../support/test-users.ts';
import { waitFor } from '../../support/wait-for.ts';

void describe('host metrics routes', () => {
  let testDb: TestDatabase;
  let server: Server;
  let viewer: TestUser;
  // The samples are fresh when the suite starts: the route measures staleness by the real clock, as Prometheus scrapes it.
  const at = Date.now() - 1000;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    const { db } = testDb;
    for (const [name, groups, status] of [['web-1', ['web'], 'up'], ['web-2', ['web'], 'down'], ['db-1', ['dbservers'], 'up']] as const) {
      await db.insertInto('hosts').values({ name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify(groups), interval_sec: 10, status }).execute();
    }
    await insertSamples(db, [
      testSample('web-1', at, {
        cpuBusyPct: 42.5, memTotalBytes: 16 * 2 ** 30,
        filesystems: [{ mount: '/srv/"data"', device: '/dev/sdb1', fsType: 'xfs', sizeBytes: 1000, usedBytes: 250, availableBytes: 750, usedPct: 25, inodesUsedPct: 1 }],
        interfaces: [{ name: 'eth0', rxBytesPerSec: 1500.5, txBytesPerSec: 300 }],
      }),
      testSample('db-1', at, { cpuBusyPct: 90 }),
    ]);
    server = await createWebServer({ db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger });
    viewer = await createTestUser(db, { role: 'viewer' });
    await server.start();
  });

  after(async () => {
    await server?.stop();
    await testDb?.close();
  });

  void test('GET /metrics/hosts gives every host\'s figures in the Prometheus text format', async () => {
    const res = await server.inject({ url: '/metrics/hosts', headers: viewer.headers });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    const samples = parsePrometheusText(res.payload);
    assert.equal(valueOf(samples, 'vigil_host_cpu_busy_ratio', { host: 'web-1' }), 0.425);
    assert.equal(valueOf(samples, 'vigil_host_cpu_busy_ratio', { host: 'db-1' }), 0.9);
    assert.equal(valueOf(samples, 'vigil_host_up', { host: 'web-2' }), 0);
    assert.equal(valueOf(samples, 'vigil_host_network_receive_bytes_per_second', { host: 'web-1', device: 'eth0' }), 1500.5);
  });

  void test('group picks the hosts of the groups named, once or repeated', async () => {
    const hostsOf = async (query: string) => {
      const res = await server.inject({ url: `/metrics/hosts${query}`, headers: viewer.headers });
      assert.equal(res.statusCode, 200);
      return [...new Set(parsePrometheusText(res.payload).map((s) => s.labels['host']))].sort();
    };
    assert.deepEqual(await hostsOf('?group=web'), ['web-1', 'web-2']);
    assert.deepEqual(await hostsOf('?group=web&group=dbservers'), ['db-1', 'web-1', 'web-2']);
    assert.deepEqual(await hostsOf('?group=nosuch'), []);
  });

  void test('a login or an API token is needed (Prometheus sends a bearer token): 401 without', async () => {
    const res = await server.inject('/metrics/hosts');
    assert.equal(res.statusCode, 401);
    assert.doesNotMatch(res.payload, /vigil_host/);
  });

  void test('a malformed query is a 400 that names the parameter', async () => {
    for (const query of ['?group=', '?host=web-1', `?${Array.from({ length: 101 }, (_, i) => `group=g${i}`).join('&')}`]) {
      const res = await server.inject({ url: `/metrics/hosts${query}`, headers: viewer.headers });
      assert.equal(res.statusCode, 400, query);
      assert.match((JSON.parse(res.payload) as { message: string }).message, /group|host/);
    }
  });

  void test('a real Prometheus server scrapes it with a bearer token and answers queries on the hosts\' figures', async () => {
    const address = server.info;
    const prometheus = await startTestPrometheus([
      '  - job_name: vigil-hosts',
      '    metrics_path: /metrics/hosts',
      '    params: { group: [web] }',
      `    authorization: { credentials: ${JSON.stringify(viewer.token)} }`,
      `    static_configs: [{ targets: ['127.0.0.1:${address.port}'] }]`,
      '',
    ].join('\n'));
    try {
      const scraped = await waitFor('Prometheus to have scraped web-1', 30_000, async () => {
        const result = await prometheus.query('vigil_host_cpu_busy_ratio');
        return result.length > 0 ? result : undefined;
      }, 200);
      assert.deepEqual(scraped.map((s) => s.metric['host']), ['web-1']);
      assert.equal(scraped[0]?.value, 0.425);
      assert.equal(scraped[0]?.metric['job'], 'vigil-hosts');
      const up = await prometheus.query('up{job="vigil-hosts"}');
      assert.equal(up[0]?.value, 1, 'the scrape itself succeeded');
      // The escaped quote in the mount point arrives as a quote.
      const used = await prometheus.query('vigil_host_filesystem_used_ratio');
      assert.equal(used[0]?.metric['mountpoint'], '/srv/"data"');
      assert.equal(used[0]?.value, 0.25);
      const down = await prometheus.query('vigil_host_up == 0');
      assert.deepEqual(down.map((s) => s.metric['host']), ['web-2']);
      // Aggregation by inventory group through the info family, as a Prometheus user writes it.
      const memory = await prometheus.query('sum(vigil_host_memory_total_bytes * on(host) group_left vigil_host_info{groups=~".*,web,.*"})');
      assert.equal(memory[0]?.value, 16 * 2 ** 30);
    } finally {
      await prometheus.close();
    }
  });
});
