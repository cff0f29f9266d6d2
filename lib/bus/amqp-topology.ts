// How the bus topics map onto RabbitMQ exchanges, queues and message properties. Kept apart
// from the connection handling so that a change of routing (such as the consistent-hash
// exchange planned for 'poll.jobs') touches this file only.
import { createHash } from 'node:crypto';
import type { TopicName, Topics } from './message-bus.ts';

/** AMQP carries a routing key as a short string: at most 255 bytes. */
const MAX_ROUTING_KEY_BYTES = 255;

export const TOPIC_NAMES: readonly TopicName[] = ['poll.jobs', 'poll.results', 'alert.events'];

/**
 * Fanout for now. 'poll.jobs' is meant to become 'x-consistent-hash' (routed by host name,
 * see routingKeyFor) so that each host sticks to one worker and its reused SSH connection.
 */
const EXCHANGE_TYPES: Record<TopicName, string> = {
  'poll.jobs': 'fanout',
  'poll.results': 'fanout',
  'alert.events': 'fanout',
};

export function exchangeTypeFor(topic: TopicName): string {
  return EXCHANGE_TYPES[topic];
}

export function exchangeName(prefix: string, topic: TopicName): string {
  return `${prefix}.${topic}`;
}

export function queueName(prefix: string, topic: TopicName, subscription: string): string {
  return `${prefix}.${topic}.${subscription}`;
}

/** The key binding a subscription's queue to its topic's exchange; ignored by fanout. */
export function bindingKeyFor(_topic: TopicName): string {
  return '';
}

/** Ignored by a fanout exchange; carries the host so that a hashing exchange can use it. */
export function routingKeyFor<K extends TopicName>(topic: K, message: Topics[K]): string {
  const host = topic === 'poll.jobs' ? (message as Topics['poll.jobs']).target.name : (message as { host: string }).host;
  // Inventory names are not bound by the AMQP limit; a digest keeps such a key stable per host.
  if (Buffer.byteLength(host) <= MAX_ROUTING_KEY_BYTES) return host;
  return createHash('sha256').update(host).digest('hex');
}

/**
 * Per-message TTL in milliseconds as AMQP wants it (a decimal string), or undefined for no TTL.
 * A poll job left in the queue past its expiry (a backlog after an outage) is dropped by the
 * broker instead of being replayed as a burst of stale polls.
 */
export function expirationFor<K extends TopicName>(topic: K, message: Topics[K], now: number): string | undefined {
  if (topic !== 'poll.jobs') return undefined;
  const expiresAt = (message as Topics['poll.jobs']).expiresAt;
  return String(Math.max(1, Math.floor(expiresAt - now)));
}

