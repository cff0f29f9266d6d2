// The scaling benchmark (`npm run bench:scaling`): polls per second with 1, 2 and 4 `vigil worker`
// processes against the same simulated fleet, the scheduler and the writer running throughout.
// Every host is due every second, far more than the workers can poll, so each configuration runs
// as fast as it can (the scheduler never gives a host a second job while one is in flight). For
// each: start the workers, wait until every host has been polled by them, settle, then count the
// results stored in a window. Options: --hosts 1000 --workers 1,2,4 --seconds 30 --settle-seconds 5
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startBenchFleet } from './fleet-harness.ts';
import { startGroupCpuMeter } from './fleet-cpu.ts';
import { loadAverage } from './fleet-processes.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '1,2,4' },
    seconds: { type: 'string', default: '30' },
    'settle-seconds': { type: 'string', default: '5' },
    'warmup-timeout-seconds': { type: 'string', default: '300' },
  },
});
const hostCount = Number(values.hosts);
const windowSec = Number(values.seconds);
const counts = values.workers.split(',').map(Number);

interface Row {
  workers: number;
  warmupSec: number;
  polls: number;
  failures: number;
  pollsPerSec: number;
  workerCpuMsPerPoll: number;
  load: [number, number];
  /** Hosts never polled when the warm-up ended (at its timeout, if not all were). */
  unpolledAfterWarmup: number;
  /** Hosts without a stored result in the window, and the fewest results of any host in it. */
  unpolledInWindow: number;
  fewestPolls: number;
}
const rows: Row[] = [];

const fleet = await startBenchFleet({ hosts: hostCount, intervalSec: 1, log });
try {
  fleet.start('writer');
  fleet.start('scheduler');
  for (const n of counts) {
    const startedAt = Date.now();
    const workers = Array.from({ length: n }, () => fleet.start('worker'));
    log(`${n} worker(s): warming up`);
    let unpolledAfterWarmup = 0;
    for (;;) {
      const dead = workers.find((w) => w.child.exitCode !== null);
      if (dead) throw new Error(`a worker exited:\n${dead.log}`);
      const polled = await fleet.hostsPolledSince(startedAt);
      if (polled >= hostCount) break;
      // Workers far over their capacity may leave some hosts unpolled: measured, not fatal.
      if (Date.now() - startedAt > Number(values['warmup-timeout-seconds']) * 1000) {
        unpolledAfterWarmup = hostCount - polled;
        log(`${n} worker(s): only ${polled} of ${hostCount} hosts polled in the warm-up; measuring anyway`);
        break;
      }
      await sleep(2000);
    }
    const warmupSec = (Date.now() - startedAt) / 1000;
    await sleep(Number(values['settle-seconds']) * 1000);
    const loadBefore = await loadAverage();
    const meter = await startGroupCpuMeter([workers.map((w) => w.pid)]);
    const t0 = Date.now();
    await sleep(windowSec * 1000);
    const t1 = Date.now();
    const [workerCpuMs = 0] = await meter.stop();
    const loadAfter = await loadAverage();
    // The writer flushes every 200 ms; results of the window's last polls are stored within seconds.
    await sleep(3000);
    const count = async (table: 'samples' | 'poll_failures'): Promise<number> => {
      const row = await fleet.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('ts', '>=', new Date(t0)).where('ts', '<', new Date(t1)).executeTakeFirst();
      return Number(row?.n ?? 0);
    };
    const [samples, failures] = [await count('samples'), await count('poll_failures')];
    const polls = samples + failures;
    // Fairness: does every host get polled, or do some starve while others are polled often?
    const perHost = await fleet.db
      .selectFrom('samples')
      .select((eb) => ['host', eb.fn.countAll<number>().as('n')])
      .where('ts', '>=', new Date(t0))
      .where('ts', '<', new Date(t1))
      .groupBy('host')
      .execute();
    const unpolledInWindow = hostCount - perHost.length;
    const fewestPolls = unpolledInWindow > 0 ? 0 : Math.min(...perHost.map((r) => Number(r.n)));
    const row: Row = {
      workers: n, warmupSec, polls, failures, pollsPerSec: polls / ((t1 - t0) / 1000), workerCpuMsPerPoll: workerCpuMs / Math.max(1, polls),
      load: [loadBefore, loadAfter], unpolledAfterWarmup, unpolledInWindow, fewestPolls,
    };
    rows.push(row);
    log(`${n} worker(s): ${row.pollsPerSec.toFixed(0)} polls/s, ${row.workerCpuMsPerPoll.toFixed(2)} worker CPU ms/poll, ${failures} failures, `
      + `${unpolledInWindow} hosts unpolled in the window (fewest polls of a host ${fewestPolls}), load ${loadBefore} → ${loadAfter}`);
    await Promise.all(workers.map((w) => fleet.stop(w)));
    // Let the hosts see those connections go before the next set connects.
    await sleep(2000);
  }
  const base = rows[0]!.pollsPerSec;
  const lines = [
    '',
    `scaling benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
    `${hostCount} simulated hosts, each due every second; ${windowSec} s windows`,
    '',
    '| workers | polls/s | vs 1 worker | worker CPU ms/poll | failures | warm-up s | hosts unpolled after warm-up | hosts unpolled in window | fewest polls of a host | load average (start → end) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.workers} | ${r.pollsPerSec.toFixed(0)} | ${(r.pollsPerSec / base).toFixed(2)} | ${r.workerCpuMsPerPoll.toFixed(2)} | ${r.failures} | ${r.warmupSec.toFixed(0)} `
      + `| ${r.unpolledAfterWarmup} | ${r.unpolledInWindow} | ${r.fewestPolls} | ${r.load[0]} → ${r.load[1]} |`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  await fleet.close();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
