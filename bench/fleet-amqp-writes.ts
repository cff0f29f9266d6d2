// The CPU one process spends publishing the scheduler's stream of poll jobs (--rate jobs/s, each
// host at its phase, packed by shard as in the fleet) on the RabbitMQ bus, with a consumer in the
// same process taking them and acking (as a worker does). Run it from two trees to compare bus
// changes (bench/fleet*.ts, BENCHMARKS.md "Fleet"); the bare baseline of the same run is the same
// loop with publishing left out (the timers and the job objects alone).
// Run: node --import tsx bench/fleet-amqp-writes.ts [--rate 1000] [--seconds 15]
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { connect } from 'amqplib';
import { connectAmqpBus } from '../lib/bus/amqp-bus.ts';
import { TOPIC_NAMES, exchangeName } from '../lib/bus/amqp-topology.ts';
import type { MessageBus } from '../lib/bus/message-bus.ts';
import { silentLogger } from '../lib/log.ts';
import type { PollJob } from '../lib/poll/poll-messages.ts';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '15' } } });
const rate = Number(values.rate);
const seconds = Number(values.seconds);
if (!(rate > 0) || !(seconds > 0)) throw new Error('--rate and --seconds must be > 0');
const url = process.env.VIGIL_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

function jobOf(i: number, seq: number): PollJob {
  const now = Date.now();
  return {
    target: { name: `bench-host-${i}`, connection: 'ssh', address: '127.0.0.1', port: 22, user: 'vigil', privateKeyFile: '/etc/vigil/key', intervalSec: 2, groups: ['web'] },
    seq,
    scheduledAt: now,
    expiresAt: now + 2000,
  } as PollJob;
}

/** CPU ms of this process while `rate` jobs a second are made (and published when `bus` is given) for `seconds`. */
async function run(bus: MessageBus | null): Promise<{ cpuMs: number; jobs: number }> {
  const before = process.cpuUsage();
  let jobs = 0;
  const pending = new Set<Promise<void>>();
  const end = Date.now() + seconds * 1000;
  // One timer per millisecond slot, as the scheduler's due-time heap fires.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.round(rate / 1000);
      for (let k = 0; k < due; k++) {
        const job = jobOf(jobs % (rate * 2), Math.floor(jobs / (rate * 2)) + 1);
        jobs++;
        if (bus) {
          const p = bus.publish('poll.jobs', job).catch(() => undefined);
          pending.add(p);
          void p.finally(() => pending.delete(p));
        }
      }
      if (Date.now() < end) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  const used = process.cpuUsage(before);
  return { cpuMs: (used.user + used.system) / 1000, jobs };
}

const prefix = `vigil-bench-writes-${randomBytes(4).toString('hex')}`;
const bus = await connectAmqpBus({ url, prefix, log: silentLogger });
let taken = 0;
const subscription = await bus.subscribe('poll.jobs', { name: 'bench-worker', durable: false, prefetch: 200 }, async () => {
  taken++;
});
try {
  console.log(`amqp writes: ${rate} jobs/s for ${seconds} s, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const bare = await run(null);
  const published = await run(bus);
  console.log(`bare: ${(bare.cpuMs / bare.jobs * 1000).toFixed(0)} ms CPU per 1,000 jobs; published and consumed: ${(published.cpuMs / published.jobs * 1000).toFixed(0)} ms (${(published.cpuMs / bare.cpuMs).toFixed(2)}× bare); consumed ${taken} of ${published.jobs}`);
  console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  await subscription.close();
  await bus.close();
  // The broker is shared: leave none of this run's exchanges behind.
  const admin = await connect(url);
  const channel = await admin.createChannel();
  for (const topic of TOPIC_NAMES) await channel.deleteExchange(exchangeName(prefix, topic));
  await admin.close();
}
