// Queue depths and consumer counts straight from RabbitMQ, by a passive declare of each queue
// (AMQP's only way to read them; it creates nothing). Used by the /metrics queue gauges and by
// `vigil status`. A connection of its own: the message bus keeps its channels to itself, and
// a stuck broker must stall a scrape, never a publish.
import { connect } from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import { queueName } from '../bus/amqp-topology.ts';
import type { Logger } from '../log.ts';
import { redactUrl } from '../redact-url.ts';

export interface QueueStat {
  queue: string;
  /** False when the queue does not exist (its service never ran, or it was transient and is gone). */
  exists: boolean;
  /** Messages ready for delivery (not those delivered and awaiting an ack). */
  messages: number;
  consumers: number;
}

/** The durable queues of a deployment: their names do not change, so anyone can look them up. */
export function knownQueueNames(prefix: string): string[] {
  return [queueName(prefix, 'poll.results', 'writer'), queueName(prefix, 'poll.results', 'evaluator'), queueName(prefix, 'alert.events', 'alerter')];
}

/** Reads each queue on one channel; a missing queue closes the channel, so the next gets a fresh one. */
export async function readQueueStats(model: ChannelModel, queues: readonly string[]): Promise<QueueStat[]> {
  const stats: QueueStat[] = [];
  let channel: Channel | null = null;
  try {
    for (const queue of queues) {
      channel ??= await openChannel(model);
      try {
        const ok = await channel.checkQueue(queue);
        stats.push({ queue, exists: true, messages: ok.messageCount, consumers: ok.consumerCount });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        stats.push({ queue, exists: false, messages: 0, consumers: 0 });
        channel = null;
      }
    }
  } finally {
    await channel?.close().catch(() => undefined);
  }
  return stats;
}

export interface QueueInspector {
  read(queues: readonly string[]): Promise<QueueStat[]>;
  close(): Promise<void>;
}

export interface QueueInspectorOptions {
  url: string;
  log: Logger;
  /** A broker that takes longer than this to answer fails the read. */
  timeoutMs?: number;
}

/** Connects on first read, and again on a later read after the connection dropped. */
export function createQueueInspector(options: QueueInspectorOptions): QueueInspector {
  const timeoutMs = options.timeoutMs ?? 5000;
  const safeUrl = redactUrl(options.url);
  let model: Promise<ChannelModel> | null = null;
  let closed = false;

  const connection = (): Promise<ChannelModel> => {
    model ??= connect(options.url, { timeout: timeoutMs, clientProperties: { connection_name: `vigil queue stats pid ${process.pid}` } }).then(
      async (opened) => {
        if (closed) {
          await opened.close().catch(() => undefined);
          throw new Error('queue inspector is closed');
        }
        opened.on('error', (error: Error) => options.log.debug('queue stats connection error', { url: safeUrl, error }));
        opened.on('close', () => (model = null));
        return opened;
      },
      (error: unknown) => {
        model = null;
        throw error;
      },
    );
    return model;
  };

  return {
    read: async (queues) => {
      if (closed) throw new Error('queue inspector is closed');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`message broker ${safeUrl} did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        return await Promise.race([connection().then((opened) => readQueueStats(opened, queues)), timeout]);
      } catch (error) {
        options.log.warn('cannot read queue depths from the message broker', { url: safeUrl, error });
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      closed = true;
      const opened = await model?.catch(() => null);
      model = null;
      await opened?.close().catch(() => undefined);
    },
  };
}

async function openChannel(model: ChannelModel): Promise<Channel> {
  const channel = await model.createChannel();
  // The 404 of a missing queue arrives as a channel error too; the checkQueue call reports it.
  channel.on('error', () => undefined);
  return channel;
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 404;
}
