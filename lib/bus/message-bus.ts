// The one interface between services. RabbitMQ implements it for a fleet; an in-process
// implementation serves `vigil up`. Nothing above this file knows which one it has.

import type { AlertEvent } from '../alerting/alert-event.ts';
import type { ServiceBeat } from '../metrics/service-beat.ts';
import type { PollJob, PollResult } from '../poll/poll-messages.ts';
import type { PollDone } from './poll-done.ts';

/** Each topic and the message it carries. */
export interface Topics {
  /**
   * Partitioned by host: each job goes to exactly one subscription, chosen by hashing the host
   * name over the live subscriptions, so a host sticks to one worker (its SSH connection and its
   * previous counters stay there) and a new or departed worker moves only a share of the hosts.
   */
  'poll.jobs': PollJob;
  /** Fan-out: every subscription gets every result (the writer and the evaluator durably). */
  'poll.results': PollResult;
  /**
   * Fan-out: one per result, published by the worker once the result is with the bus; the
   * scheduler listens here to clear a host's in-flight mark. Transient: a lost one only leaves
   * the mark to expire at the host's next slot, as a lost result did.
   */
  'poll.done': PollDone;
  /** Fan-out: alerts starting and stopping to fire, from the rule evaluator to the alerter. */
  'alert.events': AlertEvent;
  /** Fan-out: heartbeats of services without a database (workers), which the writer records. */
  'service.heartbeats': ServiceBeat;
}
export type TopicName = keyof Topics;

/**
 * How a topic hands a message to its subscriptions: 'fanout', a copy to every subscription
 * name; 'partitioned', to the one subscription its partition key hashes to. Within one
 * subscription name, consumers always compete.
 */
export const TOPIC_DELIVERY: Record<TopicName, 'fanout' | 'partitioned'> = {
  'poll.jobs': 'partitioned',
  'poll.results': 'fanout',
  'poll.done': 'fanout',
  'alert.events': 'fanout',
  'service.heartbeats': 'fanout',
};

/** The host a message is about: the partition key of partitioned topics. */
export function partitionKeyOf<K extends TopicName>(topic: K, message: Topics[K]): string {
  return topic === 'poll.jobs' ? (message as PollJob).target.name : (message as { host: string }).host;
}

export interface SubscribeOptions {
  /**
   * Subscription name. On a fan-out topic each name gets its own copy of every message;
   * consumers sharing a name share the messages (competing consumers).
   */
  name: string;
  /** Durable subscriptions keep messages while no consumer runs; transient ones vanish with it. */
  durable: boolean;
  /** Most unacknowledged messages handed to this consumer at once. */
  prefetch: number;
}

/**
 * Resolve to acknowledge the message; reject to give it back for redelivery.
 * The message counts as handled only when the promise settles, so a handler may hold it
 * (for example until its batch is durable in PostgreSQL).
 */
export type MessageHandler<T> = (message: T) => Promise<void>;

export interface Subscription {
  /** Stop receiving, wait for in-flight handlers to settle, and acknowledge them. */
  close(): Promise<void>;
}

export interface MessageBus {
  /** Resolves once the broker has taken responsibility for the message (publisher confirm). */
  publish<K extends TopicName>(topic: K, message: Topics[K]): Promise<void>;
  subscribe<K extends TopicName>(topic: K, options: SubscribeOptions, handler: MessageHandler<Topics[K]>): Promise<Subscription>;
  close(): Promise<void>;
}
