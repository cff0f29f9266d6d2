// The fleet benchmark (`npm run bench:fleet`): 10,000 simulated hosts polled every 10 s (1,000
// polls/s) by the scheduler, two workers and the writer, each a `vigil` process, on the machine's
// RabbitMQ and PostgreSQL. After every host has been polled once, a window opens; it reports polls
// completed on time / polls due, and CPU per 1,000 polls of each service, of RabbitMQ and of
// PostgreSQL, metered from /proc. A poll is due at each of its host's slots (the scheduler's
// phase); it is on time when a sample of that host is stored with a timestamp in [slot, slot +
// interval). Options: --hosts 10000 --interval 10 --workers 2 --seconds 60 --settle-seconds 10
// --warmup-timeout-seconds 900. The services inherit the environment: VIGIL_AMQP_PACK=off (and
// the other VIGIL_AMQP_PACK_* settings, lib/bus/amqp-pack.ts) measure the bus with and without
// packing from the same tree.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { firstSlotFrom, pollPhaseMs } from '../services/scheduler/poll-phase.ts';
import { startBenchFleet, type BenchService } from './fleet-harness.ts';
import { startGroupCpuMeter } from './fleet-cpu.ts';
import { packOptionsFromEnv } from '../lib/bus/amqp-pack.ts';
import { findBackendPids, findPostmasterPid, findRabbitmqPid, loadAverage } from './fleet-processes.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '10000' },
    interval: { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '60' },
    'settle-seconds': { type: 'string', default: '10' },
    'warmup-timeout-seconds': { type: 'string', default: '900' },
  },
});
const hostCount = Number(values.hosts);
const intervalSec = Number(values.interval);
const intervalMs = intervalSec * 1000;
const windowSec = Number(values.seconds);
const packing = packOptionsFromEnv(process.env);

const fleet = await startBenchFleet({ hosts: hostCount, intervalSec, log });
try {
  const writer = fleet.start('writer');
  const workers: BenchService[] = Array.from({ length: Number(values.workers) }, () => fleet.start('worker'));
  const scheduler = fleet.start('scheduler');
  const services = [scheduler, ...workers, writer];
  const startedAt = Date.now();
  log(`warming up: ${hostCount} hosts every ${intervalSec} s; waiting for every host to be polled once`);
  const warmDeadline = startedAt + Number(values['warmup-timeout-seconds']) * 1000;
  for (;;) {
    const polled = await fleet.hostsPolledSince(startedAt);
    const dead = services.find((s) => s.child.exitCode !== null);
    if (dead) throw new Error(`${dead.role} exited:\n${dead.log}`);
    log(`  ${polled}/${hostCount} hosts polled after ${((Date.now() - startedAt) / 1000).toFixed(0)} s, load ${await loadAverage()}`);
    if (polled >= hostCount) break;
    if (Date.now() > warmDeadline) throw new Error(`only ${polled} of ${hostCount} hosts polled within the warm-up`);
    await sleep(5000);
  }
  const warmupSec = (Date.now() - startedAt) / 1000;
  // One more interval so that every host is in its steady rhythm, not in its first-contact burst.
  await sleep(intervalMs);

  const [rabbitPid, postmasterPid, backendPids] = await Promise.all([findRabbitmqPid(), findPostmasterPid(), findBackendPids(fleet.databaseName)]);
  const metered: Array<{ name: string; pids: number[] }> = [
    ...services.map((s, i) => ({ name: s.role === 'worker' ? `worker ${i}` : s.role, pids: [s.pid] })),
    { name: 'RabbitMQ (beam.smp, shared)', pids: [rabbitPid] },
    { name: `PostgreSQL backends of the bench database (${backendPids.length})`, pids: backendPids },
    { name: 'PostgreSQL, whole server (shared)', pids: [postmasterPid] },
    { name: 'simulator (the hosts)', pids: fleet.simulatorPids },
  ];
  const loadBefore = await loadAverage();
  const meter = await startGroupCpuMeter(metered.map((m) => m.pids));
  const t0 = Date.now();
  log(`measuring for ${windowSec} s`);
  await sleep(windowSec * 1000);
  const t1 = Date.now();
  const cpuMs = await meter.stop();
  const loadAfter = await loadAverage();
  // Polls due near the end of the window may finish up to an interval later; let them land.
  await sleep(intervalMs + Number(values['settle-seconds']) * 1000);

  const samples = await fleet.db.selectFrom('samples').select(['host', 'ts']).where('ts', '>=', new Date(t0)).where('ts', '<', new Date(t1 + intervalMs)).execute();
  const failures = await fleet.db.selectFrom('poll_failures').select(['reason', 'ts']).where('ts', '>=', new Date(t0)).where('ts', '<', new Date(t1)).execute();
  const sampleTimes = new Map<string, number[]>();
  for (const row of samples) {
    const list = sampleTimes.get(row.host) ?? [];
    list.push(row.ts.getTime());
    sampleTimes.set(row.host, list);
  }
  let due = 0;
  let onTime = 0;
  for (const host of fleet.hosts) {
    const times = sampleTimes.get(host) ?? [];
    const phase = pollPhaseMs(host, intervalMs);
    for (let slot = firstSlotFrom(t0, intervalMs, phase); slot < t1; slot += intervalMs) {
      due++;
      if (times.some((ts) => ts >= slot && ts < slot + intervalMs)) onTime++;
    }
  }
  const completed = samples.filter((r) => r.ts.getTime() < t1).length + failures.length;
  const reasons: Record<string, number> = {};
  for (const f of failures) reasons[f.reason] = (reasons[f.reason] ?? 0) + 1;

  const per1000 = (ms: number): string => ((ms / Math.max(1, completed)) * 1000).toFixed(0);
  const lines = [
    '',
    `fleet benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
    `${hostCount} simulated hosts every ${intervalSec} s (${(hostCount / intervalSec).toFixed(0)} polls/s due), ${workers.length} workers; `
      + `warm-up ${warmupSec.toFixed(0)} s; window ${((t1 - t0) / 1000).toFixed(0)} s; load average ${loadBefore} at its start, ${loadAfter} at its end`,
    `bus packing: ${packing ? JSON.stringify(packing) : 'off (one AMQP message per bus message)'}`,
    '',
    `polls due: ${due}; completed on time: ${onTime}; on time / due: ${(onTime / Math.max(1, due)).toFixed(3)} (goal ≥ 0.99)`,
    `polls completed in the window: ${completed} (${(completed / ((t1 - t0) / 1000)).toFixed(0)}/s), failures ${failures.length} ${JSON.stringify(reasons)}`,
    '',
    '| process | CPU s in window | CPU ms per 1,000 polls | share of one core |',
    '|---|---|---|---|',
    ...metered.map((m, i) => `| ${m.name} | ${(cpuMs[i]! / 1000).toFixed(1)} | ${per1000(cpuMs[i]!)} | ${(cpuMs[i]! / (t1 - t0)).toFixed(2)} |`),
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
