// The fleet's message bus on RabbitMQ. One connection per process, reconnected by this file
// (with backoff) after any drop, so that services above the bus never see an outage other
// than a publish or subscribe that waits for the broker, within a bound.
import { connect } from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { Logger } from '../log.ts';
import { redactUrl } from '../redact-url.ts';
import type { MessageBus, MessageHandler, SubscribeOptions, Subscription, TopicName, Topics } from './message-bus.ts';
import { ChannelAcks, type TrackedDelivery } from './amqp-acks.ts';
import { batchSocketWrites } from './amqp-write-batching.ts';
import { PACK_FORMAT, PACK_HEADER, decodeDelivery, encodePack, packOptionsFromEnv, type PackOptions } from './amqp-pack.ts';
import {
  TOPIC_NAMES,
  bindingKeyFor,
  exchangeName,
  exchangeTypeFor,
  isPersistent,
  packExpirationFor,
  queueName,
  routingKeyFor,
} from './amqp-topology.ts';
import { PackCollector, type Pack } from './pack-collector.ts';
import { cappedBackoffMs } from '../capped-backoff.ts';

export interface AmqpBusOptions {
  url: string;
  /** Prefix of every exchange and queue name, so that several deployments can share a broker. */
  prefix?: string;
  log: Logger;
  /** Delay before the first reconnect attempt; doubles per failed attempt, up to 30 s. */
  reconnectDelayMs?: number;
  /** How long publish and subscribe wait for a lost broker before they reject. */
  outageTimeoutMs?: number;
  /**
   * Packing of several messages into one AMQP message (lib/bus/amqp-pack.ts); false sends each
   * alone, routed by host, as before packing. Default: from the environment (VIGIL_AMQP_PACK…),
   * else on with DEFAULT_PACK_OPTIONS.
   */
  packing?: PackOptions | false;
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
  /** Sends messages one by one straight to a queue (default exchange), each confirmed. */
  republish(topic: TopicName, queue: string, messages: unknown[]): Promise<void>;
}

/** Where a message goes: a topic's exchange with its routing key, or a queue by name. */
interface Destination {
  exchange: string;
  routingKey: string;
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
  /** Null with packing off. */
  private readonly packing: PackOptions | null;
  private readonly packs: PackCollector | null;

  constructor(options: AmqpBusOptions) {
    this.url = options.url;
    this.safeUrl = redactUrl(options.url);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.log = options.log.child({ component: 'amqp-bus' });
    this.reconnectDelayMs = Math.max(1, options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS);
    this.outageTimeoutMs = Math.max(1, options.outageTimeoutMs ?? DEFAULT_OUTAGE_TIMEOUT_MS);
    this.packing = (options.packing ?? packOptionsFromEnv(process.env)) || null;
    this.packs = this.packing ? new PackCollector(this.packing, (pack) => this.sendPack(pack)) : null;
  }

  async start(): Promise<void> {
    try {
      await this.establish();
    } catch (err) {
      throw new Error(`cannot connect to message broker ${this.safeUrl}: ${errorMessage(err)}`, { cause: err });
    }
    this.log.info('connected to message broker', { url: this.safeUrl, packing: this.packing ?? 'off' });
  }

  async publish<K extends TopicName>(topic: K, message: Topics[K]): Promise<void> {
    if (this.closed) throw new Error('message bus is closed');
    const body = Buffer.from(JSON.stringify(message));
    const pending = this.packs
      ? this.packs.add(topic, routingKeyFor(topic, message, this.packing?.jobShards), body, message)
      : this.publishUntilConfirmed(topic, { exchange: exchangeName(this.prefix, topic), routingKey: routingKeyFor(topic, message) }, [message], body, false);
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
    // Publishes accepted before close are sent, as they would be without packing: the pending
    // packs leave now, and take their link before `closed` turns new publishes away.
    this.packs?.flushAll();
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
      republish: async (topic, queue, messages) => {
        await Promise.all(
          messages.map((message) =>
            this.publishUntilConfirmed(topic, { exchange: '', routingKey: queue }, [message as Topics[TopicName]], Buffer.from(JSON.stringify(message)), false),
          ),
        );
      },
    };
  }

  /** Opens a connection, declares the topology and re-attaches every live subscription. */
  private async establish(): Promise<void> {
    const model = await connect(this.url, {
      timeout: CONNECT_TIMEOUT_MS,
      clientProperties: { connection_name: `vigil ${this.prefix} pid ${process.pid}` },
    });
    if (!batchSocketWrites(model)) this.log.warn('amqplib internals differ from 2.3: frames are written one by one', {});
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

  /** Sends a full pack, settling each member's publish with the pack's confirm. */
  private sendPack(pack: Pack): void {
    const messages = pack.members.map((member) => member.message as Topics[TopicName]);
    const destination = { exchange: exchangeName(this.prefix, pack.topic), routingKey: pack.routingKey };
    // A pack of one travels in the format before packing: nothing to gain from the header.
    const single = pack.members.length === 1;
    const body = single ? pack.members[0]!.body : encodePack(pack.members.map((member) => member.body));
    this.publishUntilConfirmed(pack.topic, destination, messages, body, !single).then(
      () => {
        for (const member of pack.members) member.resolve();
      },
      (err: unknown) => {
        for (const member of pack.members) member.reject(err);
      },
    );
  }

  /**
   * Publishes one AMQP message (one bus message, or a pack of them when `packed`) and waits for
   * the broker's confirm, sending it again after a lost connection until the outage bound.
   */
  private async publishUntilConfirmed<K extends TopicName>(
    topic: K,
    destination: Destination,
    messages: Topics[K][],
    body: Buffer,
    packed: boolean,
  ): Promise<void> {
    const deadline = Date.now() + this.outageTimeoutMs;
    for (;;) {
      const link = await this.waitForLink(deadline, `publish to ${topic}`);
      let publisher: Publisher | null = null;
      try {
        publisher = await this.publisherFor(link);
        await this.publishOn(publisher, topic, destination, messages, body, packed);
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

  private async publishOn<K extends TopicName>(
    publisher: Publisher,
    topic: K,
    destination: Destination,
    messages: Topics[K][],
    body: Buffer,
    packed: boolean,
  ): Promise<void> {
    while (publisher.drained) await publisher.drained;
    const properties: Options.Publish = { persistent: isPersistent(topic), contentType: 'application/json' };
    if (packed) properties.headers = { [PACK_HEADER]: PACK_FORMAT };
    // Computed at the moment of sending, so a publish that waited out an outage has less to live.
    const expiration = packExpirationFor(topic, messages, Date.now());
    if (expiration !== undefined) properties.expiration = expiration;
    await new Promise<void>((resolve, reject) => {
      const writable = publisher.channel.publish(
        destination.exchange,
        destination.routingKey,
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

/** One AMQP delivery (a single message or a pack) while its members are being handled. */
interface InDelivery {
  acks: ChannelAcks;
  tracked: TrackedDelivery;
  packed: boolean;
  members: number;
  /** Members handed to the handler so far. */
  started: number;
  /** Members not yet settled (waiting or running). */
  remaining: number;
  /** Members whose handler rejected. */
  failed: unknown[];
}

interface WaitingMember {
  delivery: InDelivery;
  message: unknown;
}

class AmqpSubscription implements Subscription {
  private readonly queue: string;
  private readonly log: Logger;
  private channel: Channel | null = null;
  private acks: ChannelAcks | null = null;
  private consumerTag: string | null = null;
  private attaching: { model: ChannelModel; done: Promise<void> } | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  /**
   * Members delivered but not started. The broker's prefetch counts deliveries, and a pack is
   * one delivery: the prefetch is also applied here, to members, so that a consumer still runs
   * at most `prefetch` handlers at once (a worker's polls in flight, a writer's batch bound).
   */
  private readonly waiting: WaitingMember[] = [];
  private waitingHead = 0;
  private running = 0;
  /** Deliveries whose members all settled but whose own settling (a republish) still runs. */
  private settling = 0;
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
    // At once, before a handler settling now could start a member of a pack not yet begun.
    this.giveBackUnstarted();
    this.closing = this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    await this.attaching?.done.catch(() => undefined);
    const channel = this.channel;
    const acks = this.acks;
    const consumerTag = this.consumerTag;
    if (channel && consumerTag) {
      try {
        await channel.cancel(consumerTag);
      } catch (err) {
        this.log.debug('cannot cancel consumer (channel gone)', { error: err });
      }
    }
    // The acks go out on this channel, so it stays open until every handler has settled.
    if (!this.idle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    acks?.flush();
    this.channel = null;
    this.acks = null;
    this.consumerTag = null;
    if (channel) await channel.close().catch(() => undefined);
  }

  /**
   * On close, deliveries none of whose members started go back to the queue whole; a pack that
   * has started is finished (its remaining members run), since part of it cannot be given back.
   */
  private giveBackUnstarted(): void {
    const kept: WaitingMember[] = [];
    const givenBack = new Set<InDelivery>();
    for (let i = this.waitingHead; i < this.waiting.length; i++) {
      const member = this.waiting[i]!;
      if (member.delivery.started === 0) givenBack.add(member.delivery);
      else kept.push(member);
    }
    this.waiting.length = 0;
    this.waitingHead = 0;
    this.waiting.push(...kept);
    for (const delivery of givenBack) delivery.acks.nack(delivery.tracked, true);
  }

  private async consumeOn(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (err: Error) => this.log.warn('subscription channel error', { error: err }));
    const acks = new ChannelAcks(channel, this.log);
    channel.on('close', () => this.onChannelClosed(channel, acks));
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
      const { consumerTag } = await channel.consume(this.queue, (delivery) => this.onDelivery(acks, delivery));
      this.channel = channel;
      this.acks = acks;
      this.consumerTag = consumerTag;
    } catch (err) {
      await channel.close().catch(() => undefined);
      throw err;
    }
  }

  private onChannelClosed(channel: Channel, acks: ChannelAcks): void {
    // Its unacked deliveries are the broker's again (redelivered, possibly elsewhere): members
    // of theirs still waiting here are dropped in pump() rather than handled twice.
    acks.closed = true;
    if (this.channel !== channel) return;
    this.channel = null;
    this.acks = null;
    this.consumerTag = null;
    this.attaching = null;
    // Either the whole connection went (then the reconnect re-attaches and retryLater does
    // nothing) or the channel alone did, e.g. its queue was deleted: consume again.
    this.retryLater();
  }

  private onDelivery(acks: ChannelAcks, delivery: ConsumeMessage | null): void {
    if (delivery === null) {
      this.log.warn('consumer cancelled by the broker (queue deleted?)');
      // Closing the channel leads to onChannelClosed, which consumes again.
      void acks.channel.close().catch(() => undefined);
      return;
    }
    if (this.closed) {
      // Arrived between close() and the broker's cancel-ok: give it back untouched.
      acks.settleNow(delivery, 'requeue');
      return;
    }
    const decoded = decodeDelivery(delivery.content, delivery.properties.headers);
    if (decoded.kind === 'garbage') {
      // Requeueing a body that can never parse would redeliver it forever.
      this.log.error('dropping unparseable message', { error: decoded.error, bytes: delivery.content.length });
      acks.settleNow(delivery, 'drop');
      return;
    }
    const messages = decoded.kind === 'pack' ? decoded.messages : [decoded.message];
    const tracked = acks.track(delivery);
    const inDelivery: InDelivery = {
      acks,
      tracked,
      packed: decoded.kind === 'pack',
      members: messages.length,
      started: 0,
      remaining: messages.length,
      failed: [],
    };
    if (messages.length === 0) {
      acks.ack(tracked);
      return;
    }
    for (const message of messages) this.waiting.push({ delivery: inDelivery, message });
    this.pump();
  }

  /** Starts waiting members while fewer than `prefetch` handlers run. */
  private pump(): void {
    const limit = Math.max(1, this.options.prefetch);
    while (this.running < limit && this.waitingHead < this.waiting.length) {
      const member = this.waiting[this.waitingHead]!;
      this.waitingHead++;
      if (member.delivery.acks.closed) {
        // Its delivery is being redelivered by the broker: handling it here would be a duplicate.
        member.delivery.remaining--;
        continue;
      }
      member.delivery.started++;
      this.running++;
      void this.run(member);
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
    this.wakeIfIdle();
  }

  private async run(member: WaitingMember): Promise<void> {
    const { delivery } = member;
    try {
      await this.handler(member.message);
    } catch (err) {
      this.log.warn(delivery.packed ? 'handler rejected a message of a pack' : 'handler rejected a message; requeueing it', { error: err });
      delivery.failed.push(member.message);
    }
    this.running--;
    delivery.remaining--;
    if (delivery.remaining === 0) {
      this.settling++;
      await this.settle(delivery);
      this.settling--;
    }
    this.pump();
  }

  /**
   * Settles a delivery once all its members have. A single message, or a pack whose every member
   * failed, goes back to the queue whole (nack, requeue), as before packing. A pack with some
   * failed members: those are sent again, each alone and confirmed, straight to this
   * subscription's queue (not the exchange, which would copy them to every other subscription
   * of a fan-out topic), and only then is the pack acked; so the members that succeeded are not
   * handled twice, and nothing is lost. If that republish fails (the broker went away), the whole
   * pack is requeued instead: its good members come again, which consumers must bear anyway
   * (delivery is at least once; the writer stores a (host, ts) once).
   */
  private async settle(delivery: InDelivery): Promise<void> {
    const { acks, tracked, failed } = delivery;
    if (acks.closed) return;
    if (failed.length === 0) {
      acks.ack(tracked);
      return;
    }
    if (!delivery.packed || failed.length === delivery.members) {
      acks.nack(tracked, true);
      return;
    }
    try {
      await this.context.republish(this.topic, this.queue, failed);
      this.log.info('sent the failed messages of a pack back to the queue one by one', { failed: failed.length, of: delivery.members });
      acks.ack(tracked);
    } catch (err) {
      this.log.warn('cannot send failed messages of a pack back; requeueing the whole pack', { error: err });
      acks.nack(tracked, true);
    }
  }

  private idle(): boolean {
    return this.running === 0 && this.settling === 0 && this.waitingHead === this.waiting.length;
  }

  private wakeIfIdle(): void {
    if (this.idleWaiters.length > 0 && this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
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
  const exponential = cappedBackoffMs(baseMs, MAX_RECONNECT_DELAY_MS, attempt - 1);
  return Math.round(exponential * (0.8 + Math.random() * 0.4));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
