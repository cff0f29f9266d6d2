// The fleet's message bus on RabbitMQ. One connection per process, reconnected by this file
// (with backoff) after any drop, so that services above the bus never see an outage other
// than a publish or subscribe that waits for the broker, within a bound.
import { connect } from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { Logger } from '../log.ts';
import { redactUrl } from '../redact-url.ts';
import type { MessageBus, MessageHandler, SubscribeOptions, Subscription, TopicName, Topics } from './message-bus.ts';
import {
  TOPIC_NAMES,
  bindingKeyFor,
  exchangeName,
  exchangeTypeFor,
  expirationFor,
  isPersistent,
  queueName,
  routingKeyFor,
} from './amqp-topology.ts';

export interface AmqpBusOptions {
  url: string;
  /** Prefix of every exchange and queue name, so that several deployments can share a broker. */
  prefix?: string;
  log: Logger;
  /** Delay before the first reconnect attempt; doubles per failed attempt, up to 30 s. */
  reconnectDelayMs?: number;
  /** How long publish and subscribe wait for a lost broker before they reject. */
  outageTimeoutMs?: number;
}

const DEFAULT_PREFIX = 'vigil';
const DEFAULT_RECONNECT_DELAY_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 30_000;
const DEFAULT_OUTAGE_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** Connects (once, failing fast if the broker is unreachable) and declares the topology. */
export async function connectAmqpBus(options: AmqpBusOptions): Promise<MessageBus> {
  const bus = new AmqpBus(options);
  await bus.start();
  return bus;
}

interface Publisher {
  channel: ConfirmChannel;
  open: boolean;
  /** Set while the channel's write buffer is full: publishers wait for it to drain. */
  drained: Promise<void> | null;
}

/** One connection to the broker and what hangs off it. */
interface Link {
  model: ChannelModel;
  dead: boolean;
  publisher: Publisher | null;
  publisherOpening: Promise<Publisher> | null;
}

/** What a subscription needs from its bus. */
interface SubscriptionContext {
  prefix: string;
  log: Logger;
  retryDelayMs: number;
  currentModel(): ChannelModel | null;
  forget(subscription: AmqpSubscription): void;
}

class AmqpBus implements MessageBus {
  private readonly url: string;
  private readonly safeUrl: string;
  private readonly prefix: string;
  private readonly log: Logger;
  private readonly reconnectDelayMs: number;
  private readonly outageTimeoutMs: number;

  /** The live connection; null while (re)connecting. */
  private link: Link | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private reconnecting: Promise<void> | null = null;
  private readonly subscriptions = new Set<AmqpSubscription>();
  private readonly pendingPublishes = new Set<Promise<void>>();
  /** Woken whenever a link comes up or the bus closes. */
  private readonly linkWaiters = new Set<() => void>();
  private wakeReconnect: (() => void) | null = null;

  constructor(options: AmqpBusOptions) {
    this.url = options.url;
    this.safeUrl = redactUrl(options.url);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.log = options.log.child({ component: 'amqp-bus' });
    this.reconnectDelayMs = Math.max(1, options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS);
    this.outageTimeoutMs = Math.max(1, options.outageTimeoutMs ?? DEFAULT_OUTAGE_TIMEOUT_MS);
  }

  async start(): Promise<void> {
    try {
      await this.establish();
    } catch (err) {
      throw new Error(`cannot connect to message broker ${this.safeUrl}: ${errorMessage(err)}`, { cause: err });
    }
    this.log.info('connected to message broker', { url: this.safeUrl });
  }

  async publish<K extends TopicName>(topic: K, message: Topics[K]): Promise<void> {
    if (this.closed) throw new Error('message bus is closed');
    const pending = this.publishUntilConfirmed(topic, message);
    this.pendingPublishes.add(pending);
    try {
      await pending;
    } finally {
      this.pendingPublishes.delete(pending);
    }
  }

  async subscribe<K extends TopicName>(
    topic: K,
    options: SubscribeOptions,
    handler: MessageHandler<Topics[K]>,
  ): Promise<Subscription> {
    if (this.closed) throw new Error('message bus is closed');
    const subscription = new AmqpSubscription(this.subscriptionContext(), topic, options, handler as MessageHandler<unknown>);
    this.subscriptions.add(subscription);
    const deadline = Date.now() + this.outageTimeoutMs;
    try {
      for (;;) {
        const link = await this.waitForLink(deadline, `subscribe to ${topic} as ${options.name}`);
        try {
          await subscription.attach(link.model);
          return subscription;
        } catch (err) {
          // A drop in the middle is retried on the next link; anything else (such as a queue
          // declared elsewhere with other properties) is the caller's to see.
          if (!link.dead) throw err;
        }
      }
    } catch (err) {
      await subscription.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    for (const wake of this.linkWaiters) wake();
    this.wakeReconnect?.();
    this.closing = this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    // In-flight handlers may still publish their results, so subscriptions go first.
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await Promise.allSettled([...this.pendingPublishes]);
    await this.reconnecting;
    const link = this.link;
    this.link = null;
    if (link && !link.dead) {
      try {
        await link.model.close();
      } catch (err) {
        this.log.debug('error closing broker connection', { error: err });
      }
    }
    this.log.info('message bus closed', { url: this.safeUrl });
  }

  private subscriptionContext(): SubscriptionContext {
    return {
      prefix: this.prefix,
      log: this.log,
      retryDelayMs: this.reconnectDelayMs,
      currentModel: () => this.link?.model ?? null,
      forget: (subscription) => this.subscriptions.delete(subscription),
    };
  }

  /** Opens a connection, declares the topology and re-attaches every live subscription. */
  private async establish(): Promise<void> {
    const model = await connect(this.url, {
      timeout: CONNECT_TIMEOUT_MS,
      clientProperties: { connection_name: `vigil ${this.prefix} pid ${process.pid}` },
    });
    const link: Link = { model, dead: false, publisher: null, publisherOpening: null };
    model.on('error', (err: Error) => this.log.warn('message broker connection error', { url: this.safeUrl, error: err }));
    model.on('close', (err?: Error) => this.onLinkClosed(link, err));
    model.on('blocked', (reason: string) => this.log.warn('message broker blocks publishing', { reason }));
    model.on('unblocked', () => this.log.info('message broker unblocked publishing'));
    try {
      await this.publisherFor(link);
      await Promise.all(
        [...this.subscriptions].map(async (subscription) => {
          try {
            await subscription.attach(model);
          } catch (err) {
            if (link.dead) throw err;
            this.log.error('cannot resume subscription; retrying', { error: err });
            subscription.retryLater();
          }
        }),
      );
      if (link.dead) throw new Error('connection closed while declaring the topology');
      if (this.closed) throw new Error('message bus is closed');
    } catch (err) {
      link.dead = true;
      await model.close().catch(() => undefined);
      throw err;
    }
    this.link = link;
    for (const wake of this.linkWaiters) wake();
  }

  private onLinkClosed(link: Link, err: Error | undefined): void {
    link.dead = true;
    if (this.link !== link) return;
    this.link = null;
    if (this.closed) return;
    this.log.warn('lost connection to message broker; reconnecting', { url: this.safeUrl, error: err });
    this.reconnectInBackground();
  }

  private reconnectInBackground(): void {
    if (this.reconnecting) return;
    this.reconnecting = this.reconnectLoop().finally(() => {
      this.reconnecting = null;
    });
  }

  private async reconnectLoop(): Promise<void> {
    // Re-checks this.link: a link that came up and dropped again at once needs another round.
    for (let attempt = 1; !this.closed && this.link === null; attempt++) {
      const delayMs = backoffDelay(this.reconnectDelayMs, attempt);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.wakeReconnect = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeReconnect = null;
      if (this.closed) return;
      try {
        await this.establish();
        this.log.info('reconnected to message broker', { url: this.safeUrl, attempt });
      } catch (err) {
        if (this.closed) return;
        this.log.warn('reconnect to message broker failed', { url: this.safeUrl, attempt, error: err });
      }
    }
  }

  /** The live link, waiting for a reconnect until the deadline. */
  private async waitForLink(deadline: number, what: string): Promise<Link> {
    for (;;) {
      if (this.closed) throw new Error('message bus is closed');
      if (this.link && !this.link.dead) return this.link;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`cannot ${what}: message broker ${this.safeUrl} unreachable for ${this.outageTimeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.linkWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.linkWaiters.add(wake);
      });
    }
  }

  private async publishUntilConfirmed<K extends TopicName>(topic: K, message: Topics[K]): Promise<void> {
    const body = Buffer.from(JSON.stringify(message));
    const deadline = Date.now() + this.outageTimeoutMs;
    for (;;) {
      const link = await this.waitForLink(deadline, `publish to ${topic}`);
      let publisher: Publisher | null = null;
      try {
        publisher = await this.publisherFor(link);
        await this.publishOn(publisher, topic, message, body);
        return;
      } catch (err) {
        if (this.closed) throw err;
        if (err instanceof Error && err.message === 'message nacked') {
          throw new Error(`message broker ${this.safeUrl} refused a message on ${topic}`, { cause: err });
        }
        // Only a message lost with its channel or connection is worth sending again (the
        // broker may or may not have it: at-least-once); anything else would fail again.
        const lost = link.dead || (publisher !== null && !publisher.open);
        if (!lost || Date.now() >= deadline) {
          throw new Error(`cannot publish to ${topic} on message broker ${this.safeUrl}: ${errorMessage(err)}`, { cause: err });
        }
        this.log.debug('publish not confirmed; retrying', { topic, error: err });
        if (!link.dead) await delay(Math.min(this.reconnectDelayMs, Math.max(0, deadline - Date.now())));
      }
    }
  }

  private async publishOn<K extends TopicName>(publisher: Publisher, topic: K, message: Topics[K], body: Buffer): Promise<void> {
    while (publisher.drained) await publisher.drained;
    const properties: Options.Publish = { persistent: isPersistent(topic), contentType: 'application/json' };
    // Computed at the moment of sending, so a publish that waited out an outage has less to live.
    const expiration = expirationFor(topic, message, Date.now());
    if (expiration !== undefined) properties.expiration = expiration;
    await new Promise<void>((resolve, reject) => {
      const writable = publisher.channel.publish(
        exchangeName(this.prefix, topic),
        routingKeyFor(topic, message),
        body,
        properties,
        (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
      );
      if (!writable && !publisher.drained) publisher.drained = drainOf(publisher);
    });
  }

  private publisherFor(link: Link): Promise<Publisher> {
    if (link.publisher?.open) return Promise.resolve(link.publisher);
    link.publisherOpening ??= this.openPublisher(link).finally(() => {
      link.publisherOpening = null;
    });
    return link.publisherOpening;
  }

  private async openPublisher(link: Link): Promise<Publisher> {
    const channel = await link.model.createConfirmChannel();
    const publisher: Publisher = { channel, open: true, drained: null };
    channel.on('error', (err: Error) => this.log.warn('publish channel error', { error: err }));
    channel.on('close', () => {
      publisher.open = false;
      if (link.publisher === publisher) link.publisher = null;
    });
    for (const topic of TOPIC_NAMES) {
      await channel.assertExchange(exchangeName(this.prefix, topic), exchangeTypeFor(topic), { durable: true });
    }
    link.publisher = publisher;
    return publisher;
  }
}

class AmqpSubscription implements Subscription {
  private readonly queue: string;
  private readonly log: Logger;
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private attaching: { model: ChannelModel; done: Promise<void> } | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private inFlight = 0;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(
    private readonly context: SubscriptionContext,
    private readonly topic: TopicName,
    private readonly options: SubscribeOptions,
    private readonly handler: MessageHandler<unknown>,
  ) {
    this.queue = queueName(context.prefix, topic, options.name);
    this.log = context.log.child({ queue: this.queue });
  }

  /** Starts consuming on this connection; idempotent per connection. */
  attach(model: ChannelModel): Promise<void> {
    if (this.attaching?.model === model) return this.attaching.done;
    const done = this.consumeOn(model);
    const attempt = { model, done };
    this.attaching = attempt;
    void done.catch(() => {
      if (this.attaching === attempt) this.attaching = null;
    });
    return done;
  }

  /** Consumes again after a while, if the connection is still the same live one. */
  retryLater(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      const model = this.context.currentModel();
      // Without a live connection the reconnect re-attaches every subscription itself.
      if (!model || this.closed || this.channel) return;
      void this.attach(model).catch((err: unknown) => {
        this.log.warn('cannot resume consuming; retrying', { error: err });
        this.retryLater();
      });
    }, this.context.retryDelayMs);
  }

  async close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.context.forget(this);
    this.closing = this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    await this.attaching?.done.catch(() => undefined);
    const channel = this.channel;
    const consumerTag = this.consumerTag;
    if (channel && consumerTag) {
      try {
        await channel.cancel(consumerTag);
      } catch (err) {
        this.log.debug('cannot cancel consumer (channel gone)', { error: err });
      }
    }
    // The acks go out on this channel, so it stays open until every handler has settled.
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.channel = null;
    this.consumerTag = null;
    if (channel) await channel.close().catch(() => undefined);
  }

  private async consumeOn(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (err: Error) => this.log.warn('subscription channel error', { error: err }));
    channel.on('close', () => this.onChannelClosed(channel));
    try {
      const exchange = exchangeName(this.context.prefix, this.topic);
      await channel.prefetch(Math.max(1, this.options.prefetch));
      await channel.assertExchange(exchange, exchangeTypeFor(this.topic), { durable: true });
      // Not exclusive: several consumers, even in other processes, may share a transient name.
      await channel.assertQueue(this.queue, this.options.durable ? { durable: true } : { durable: false, autoDelete: true });
      await channel.bindQueue(this.queue, exchange, bindingKeyFor(this.topic));
      if (this.closed) {
        await channel.close();
        return;
      }
      const { consumerTag } = await channel.consume(this.queue, (delivery) => this.onDelivery(channel, delivery));
      this.channel = channel;
      this.consumerTag = consumerTag;
    } catch (err) {
      await channel.close().catch(() => undefined);
      throw err;
    }
  }

  private onChannelClosed(channel: Channel): void {
    if (this.channel !== channel) return;
    this.channel = null;
    this.consumerTag = null;
    this.attaching = null;
    // Either the whole connection went (then the reconnect re-attaches and retryLater does
    // nothing) or the channel alone did, e.g. its queue was deleted: consume again.
    this.retryLater();
  }

  private onDelivery(channel: Channel, delivery: ConsumeMessage | null): void {
    if (delivery === null) {
      this.log.warn('consumer cancelled by the broker (queue deleted?)');
      // Closing the channel leads to onChannelClosed, which consumes again.
      void channel.close().catch(() => undefined);
      return;
    }
    if (this.closed) {
      // Arrived between close() and the broker's cancel-ok: give it back untouched.
      settle(channel, delivery, 'requeue', this.log);
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(delivery.content.toString('utf8'));
    } catch (err) {
      // Requeueing a body that can never parse would redeliver it forever.
      this.log.error('dropping unparseable message', { error: err, bytes: delivery.content.length });
      settle(channel, delivery, 'drop', this.log);
      return;
    }
    this.inFlight++;
    void this.handle(channel, delivery, message);
  }

  private async handle(channel: Channel, delivery: ConsumeMessage, message: unknown): Promise<void> {
    let handled = false;
    try {
      await this.handler(message);
      handled = true;
    } catch (err) {
      this.log.warn('handler rejected a message; requeueing it', { error: err });
    }
    settle(channel, delivery, handled ? 'ack' : 'requeue', this.log);
    this.inFlight--;
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** Acks or nacks on the channel that delivered; a dead channel means the broker redelivers. */
function settle(channel: Channel, delivery: ConsumeMessage, outcome: 'ack' | 'requeue' | 'drop', log: Logger): void {
  try {
    if (outcome === 'ack') channel.ack(delivery);
    else channel.nack(delivery, false, outcome === 'requeue');
  } catch (err) {
    log.debug('cannot settle a message on a closed channel; the broker redelivers it', { outcome, error: err });
  }
}

function drainOf(publisher: Publisher): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      publisher.channel.off('drain', done);
      publisher.channel.off('close', done);
      publisher.drained = null;
      resolve();
    };
    publisher.channel.on('drain', done);
    publisher.channel.on('close', done);
  });
}

/** Exponential with ±20 % jitter, so that a fleet of workers does not reconnect in lockstep. */
function backoffDelay(baseMs: number, attempt: number): number {
  const exponential = Math.min(MAX_RECONNECT_DELAY_MS, baseMs * 2 ** Math.min(attempt - 1, 20));
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
