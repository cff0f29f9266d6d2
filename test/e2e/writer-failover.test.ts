// The writer killed with -9 mid-run loses nothing: results wait in its durable queue, and a
// new writer stores each of them once.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../lib/config.ts';
import { silentLogger } from '../../lib/log.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { runScheduler } from '../../services/scheduler/main.ts';
import { runWorker } from '../../services/worker/main.ts';
import { startTestFleet, type TestFleet } from '../support/test-fleet.ts';
import { killAll, spawnVigil, type VigilProcess } from '../support/vigil-process.ts';
import { waitFor } from '../support/wait-for.ts';

let fleet: TestFleet;
const steps: ShutdownStep[] = [];
const writers: VigilProcess[] = [];

before(async () => {
  fleet = await startTestFleet({ hosts: 6, intervalSec: 1 });
  writers.push(spawnVigil(['writer'], fleet.env));
  await waitFor('the writer to start', 60_000, () => (writers[0]!.log.includes('"msg":"writer started"') ? true : undefined));
  steps.unshift(...(await runWorker(loadConfig('worker', fleet.env), silentLogger)));
  steps.unshift(...(await runScheduler(loadConfig('scheduler', fleet.env), silentLogger)));
});

after(async () => {
  for (const step of steps) await step.run();
  await killAll(writers);
  await fleet?.close();
});

async function storedCount(): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from samples`.execute(fleet.database.db);
  return result.rows[0]!.n;
}

test('a writer killed with -9 loses nothing; its successor stores every result once', async () => {
  await waitFor('samples stored by the first writer', 60_000, async () => ((await storedCount()) >= 6 ? true : undefined));
  writers[0]!.child.kill('SIGKILL');
  await writers[0]!.exited;
  // Results keep coming while no writer runs; they wait in the writer's durable queue.
  const publishedWhileDown = () => [...fleet.published.values()].reduce((n, list) => n + list.length, 0);
  const before = publishedWhileDown();
  await waitFor('polls to go on while the writer is down', 30_000, () => (publishedWhileDown() >= before + 6 ? true : undefined));

  const storedBeforeRestart = await storedCount();
  writers.push(spawnVigil(['writer'], fleet.env));
  // Every sample published so far, including those published while no writer ran, is stored;
  // a redelivered one meets its (host, ts) key and is not stored again.
  await fleet.waitUntilAllStored(60_000);
  assert.ok((await storedCount()) > storedBeforeRestart, 'the new writer stored the backlog');
});
