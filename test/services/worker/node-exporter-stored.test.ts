// The host page's API says which source produced a host's newest sample: a scrape of the real
// node_exporter, then the SSH poll script standing in while the exporter is stopped, stored by
// the writer's own applyPollResults into PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPollResults } from '../../../lib/db/queries/apply-poll-results.ts';
import { selectHostDetail } from '../../../lib/db/queries/select-host-detail.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import type { PollResult } from '../../../lib/poll/poll-messages.ts';
import { createLocalRunner } from '../../../services/worker/local-runner.ts';
import { pollFromSource } from '../../../services/worker/poll-source.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { startTestNodeExporter } from './test-node-exporter.ts';
import type { TestNodeExporter } from './test-node-exporter.ts';

let database: TestDatabase;
let exporter: TestNodeExporter;

before(async () => {
  [database, exporter] = await Promise.all([createTestDatabase('postgres'), startTestNodeExporter()]);
});

after(async () => {
  await Promise.all([database.close(), exporter.close()]);
});

let seq = 0;
async function pollAndStore(target: HostTarget): Promise<PollResult> {
  const now = Date.now();
  const { result } = await pollFromSource(createLocalRunner(), { target, seq: ++seq, scheduledAt: now, expiresAt: now + 60_000 }, undefined);
  assert.equal(result.kind, 'sample', JSON.stringify(result));
  await applyPollResults(database.db, [result], { downAfter: 3 });
  return result;
}

async function latestSource(name: string): Promise<string | null | undefined> {
  return (await selectHostDetail(database.db, name))?.latest?.source;
}

void test("host detail names the source of the newest sample: node_exporter, ssh while it is stopped, then node_exporter again", async () => {
  const target: HostTarget = {
    name: 'scraped', connection: 'local', address: '127.0.0.1', port: 22, user: 'root', privateKeyFile: null, intervalSec: 10, groups: [],
    source: 'node_exporter', nodeExporterUrl: exporter.url,
  };
  await pollAndStore(target);
  assert.equal(await latestSource('scraped'), 'node_exporter');
  const detail = await selectHostDetail(database.db, 'scraped');
  assert.ok(detail?.facts.kernel, 'facts from node_uname_info reach the host row');
  assert.ok(detail?.facts.cpuCount !== null && detail.facts.cpuCount > 0);

  await exporter.stop();
  await pollAndStore(target);
  assert.equal(await latestSource('scraped'), 'ssh');

  await exporter.start();
  await pollAndStore(target);
  assert.equal(await latestSource('scraped'), 'node_exporter');
});

void test('a host polled by the script alone shows ssh', async () => {
  const plain: HostTarget = { name: 'plain', connection: 'local', address: '127.0.0.1', port: 22, user: 'root', privateKeyFile: null, intervalSec: 10, groups: [] };
  const result = await pollAndStore(plain);
  assert.ok(result.kind === 'sample' && result.sample.source === undefined);
  assert.equal(await latestSource('plain'), 'ssh');
});
