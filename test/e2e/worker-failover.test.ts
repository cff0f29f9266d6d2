// Workers scale out and fail over: two `vigil worker` processes share the fleet; one is killed
// with -9 and its hosts are polled by the other within two intervals; nothing is lost.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../lib/config.ts';
import { silentLogger } from '../../lib/log.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { runScheduler } from '../../services/scheduler/main.ts';
import { runWriter } from '../../services/writer/main.ts';
import { startTestFleet, type TestFleet } from '../support/test-fleet.ts';
import { killAll, spawnVigil, type VigilProcess } from '../support/vigil-process.ts';
import { waitFor } from '../support/wait-for.ts';

const INTERVAL_SEC = 3;
let fleet: TestFleet;
const steps: ShutdownStep[] = [];
const workers: VigilProcess[] = [];

before(async () => {
  fleet = await startTestFleet({ hosts: 8, intervalSec: INTERVAL_SEC });
  steps.unshift(...(await runWriter(loadConfig('writer', fleet.env), silentLogger)));
  for (let i = 0; i < 2; i++) workers.push(spawnVigil(['worker'], fleet.env));
  await waitFor('both workers to start', 60_000, () => (workers.every((w) => w.log.includes('worker started')) ? true : undefined));
  steps.unshift(...(await runScheduler(loadConfig('scheduler', fleet.env), silentLogger)));
});

after(async () => {
  for (const step of steps) await step.run();
  await killAll(workers);
  await fleet?.close();
});

test('a worker killed with -9 hands its hosts to the other within two intervals, and nothing is lost', async () => {
  const { hosts, published } = fleet;
  await waitFor('two samples of every host', 60_000, () => (hosts.every((h) => (published.get(h)?.length ?? 0) >= 2) ? true : undefined));

  const killedAt = Date.now();
  workers[0]!.child.kill('SIGKILL');
  const resumed = await waitFor('a sample of every host after the kill', 30_000, () => {
    const firsts = hosts.map((h) => published.get(h)?.find((ts) => ts > killedAt));
    return firsts.every((t) => t !== undefined) ? (firsts as number[]) : undefined;
  });
  const worstGapMs = Math.max(...resumed) - killedAt;
  console.log(`# worker failover: every host polled again at most ${worstGapMs} ms after kill -9 (interval ${INTERVAL_SEC} s)`);
  assert.ok(worstGapMs <= INTERVAL_SEC * 2000, `the last host was polled again ${worstGapMs} ms after the kill`);
  await fleet.waitUntilAllStored(30_000);
});
