// The in-process bus of `vigil up`: the same semantics as the RabbitMQ one (a copy per
// subscription name, competing consumers within a name, prefetch, ack on resolve, redelivery
// on reject), so that code above the bus behaves the same in both modes.
import {
  TOPIC_DELIVERY,
  partitionKeyOf,
  type MessageBus,
  type MessageHandler,
  type SubscribeOptions,
  type Subscription,
  type TopicName,
  type Topics,
} from './message-bus.ts';

interface Consumer {
  handler: MessageHandler<unknown>;
  prefetch: number;
  inFlight: number;
  closed: boolean;
  idle: Array<() => void>;
}

interface Queue {
  messages: string[];
  consumers: Consumer[];
  next: number;
}

export class MemoryBus implements MessageBus {
  private readonly queues = new Map<string, Queue>();
  private closed = false;

  async publish<K extends TopicName>(topic: K, message: Topics[K]): Promise<void> {
    if (this.closed) throw new Error('message bus is closed');
    // Serialised like on the wire, so no subscriber shares an object with the publisher.
    const body = JSON.stringify(message);
    const prefix = topic + '\0';
    if (TOPIC_DELIVERY[topic] === 'partitioned') {
      const queue = this.partitionFor(prefix, partitionKeyOf(topic, message));
      if (queue) {
        queue.messages.push(body);
        this.dispatch(queue);
      }
      return;
    }
    for (const [key, queue] of this.queues) {
      if (!key.startsWith(prefix)) continue;
      queue.messages.push(body);
      this.dispatch(queue);
    }
  }

  /**
   * Rendezvous hashing: the subscription with the highest hash of (key, name) takes the key,
   * so a subscription that comes or goes moves only the keys it wins or held, like RabbitMQ's
   * consistent-hash exchange does.
   */
  private partitionFor(prefix: string, key: string): Queue | undefined {
    let best: Queue | undefined;
    let bestScore = -1;
    for (const [name, queue] of this.queues) {
      if (!name.startsWith(prefix)) continue;
      const score = hash32(key + '\0' + name);
      if (score > bestScore) {
        bestScore = score;
        best = queue;
      }
    }
    return best;
  }

  async subscribe<K extends TopicName>(
    topic: K,
    options: SubscribeOptions,
    handler: MessageHandler<Topics[K]>,
  ): Promise<Subscription> {
    if (this.closed) throw new Error('message bus is closed');
    const key = `${topic}\0${options.name}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { messages: [], consumers: [], next: 0 };
      this.queues.set(key, queue);
    }
    const consumer: Consumer = {
      handler: handler as MessageHandler<unknown>,
      prefetch: Math.max(1, options.prefetch),
      inFlight: 0,
      closed: false,
      idle: [],
    };
    queue.consumers.push(consumer);
    const owned = queue;
    this.dispatch(owned);
    return {
      close: async () => {
        consumer.closed = true;
        owned.consumers = owned.consumers.filter((c) => c !== consumer);
        // A transient subscription with no consumers left loses its queue, as in RabbitMQ.
        if (!options.durable && owned.consumers.length === 0) this.queues.delete(key);
        if (consumer.inFlight > 0) await new Promise<void>((resolve) => consumer.idle.push(resolve));
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queues.clear();
  }

  private dispatch(queue: Queue): void {
    while (queue.messages.length > 0) {
      const consumer = this.pickConsumer(queue);
      if (!consumer) return;
      const body = queue.messages.shift() as string;
      consumer.inFlight++;
      void this.deliver(queue, consumer, body);
    }
  }

  private pickConsumer(queue: Queue): Consumer | undefined {
    const n = queue.consumers.length;
    for (let i = 0; i < n; i++) {
      const consumer = queue.consumers[(queue.next + i) % n];
      if (consumer && !consumer.closed && consumer.inFlight < consumer.prefetch) {
        queue.next = (queue.next + i + 1) % n;
        return consumer;
      }
    }
    return undefined;
  }

  private async deliver(queue: Queue, consumer: Consumer, body: string): Promise<void> {
    try {
      await consumer.handler(JSON.parse(body));
    } catch {
      // Rejected: back to the head of the queue for redelivery, as a nack with requeue does.
      if (!this.closed) queue.messages.unshift(body);
    } finally {
      consumer.inFlight--;
      if (consumer.inFlight === 0) for (const resolve of consumer.idle.splice(0)) resolve();
      // Defer so that a handler that rejects at once does not spin synchronously.
      setImmediate(() => this.dispatch(queue));
    }
  }
}

/** FNV-1a with a final avalanche, so that similar names (worker-1, worker-2) spread well. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
