// How evenly the hosts of poll.jobs spread over worker queues on RabbitMQ's consistent-hash
// exchange, routed by host name (no packing) or by shard (packing: "shard-N", N = hash(host) mod
// S). Each trial declares Q fresh queues (random names, as workers' are) bound with the given
// weight, publishes one message per host, and counts each queue's share; it reports the
// busiest queue's share over the fair share (1.00 = perfectly even), median and worst of the
// trials. Options: --hosts 2000 --queues 2,4,8 --shards 0,16,64,256 (0 = by host) --weights 100
// --trials 7
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import { shardOf } from '../lib/bus/amqp-topology.ts';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '2000' },
    queues: { type: 'string', default: '2,4,8' },
    shards: { type: 'string', default: '0,16,64,256' },
    weights: { type: 'string', default: '100' },
    trials: { type: 'string', default: '7' },
  },
});
const hosts = Array.from({ length: Number(values.hosts) }, (_, i) => `s0-host-${i}`);
const list = (text: string): number[] => text.split(',').map(Number);

const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
const channel = await connection.createConfirmChannel();
const prefix = `vigil-bench-spread-${randomBytes(4).toString('hex')}`;
const exchange = `${prefix}.jobs`;
await channel.assertExchange(exchange, 'x-consistent-hash', { durable: false, autoDelete: false });
try {
  process.stdout.write('| weight | queues | shards | busiest / fair, median | worst |\n|---|---|---|---|---|\n');
  for (const weight of list(values.weights)) {
    for (const q of list(values.queues)) {
      for (const shards of list(values.shards)) {
        const ratios: number[] = [];
        for (let t = 0; t < Number(values.trials); t++) {
          const queues = Array.from({ length: q }, () => `${prefix}.q-${randomBytes(6).toString('hex')}`);
          for (const queue of queues) {
            await channel.assertQueue(queue, { durable: false });
            await channel.bindQueue(queue, exchange, String(weight));
          }
          for (const host of hosts) channel.publish(exchange, shards === 0 ? host : `shard-${shardOf(host, shards)}`, Buffer.from('x'));
          await channel.waitForConfirms();
          const counts = await Promise.all(queues.map(async (queue) => (await channel.checkQueue(queue)).messageCount));
          ratios.push(Math.max(...counts) / (hosts.length / q));
          for (const queue of queues) await channel.deleteQueue(queue);
        }
        ratios.sort((a, b) => a - b);
        const median = ratios[Math.floor(ratios.length / 2)]!;
        process.stdout.write(`| ${weight} | ${q} | ${shards === 0 ? 'by host' : shards} | ${median.toFixed(2)} | ${ratios.at(-1)!.toFixed(2)} |\n`);
      }
    }
  }
} finally {
  await channel.deleteExchange(exchange);
  await connection.close();
}
