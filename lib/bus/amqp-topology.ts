// How the bus topics map onto RabbitMQ exchanges, queues and message properties. Kept apart
// from the connection handling so that a change of routing (such as the consistent-hash
// exchange planned for 'poll.jobs') touches this file only.
import { createHash } from 'node:crypto';
import { TOPIC_DELIVERY, partitionKeyOf, type TopicName, type Topics } from './message-bus.ts';

/** AMQP carries a routing key as a short string: at most 255 bytes. */
const MAX_ROUTING_KEY_BYTES = 255;

export const TOPIC_NAMES: readonly TopicName[] = ['poll.jobs', 'poll.results', 'poll.done', 'alert.events', 'service.heartbeats'];

/** A heartbeat older than a few beats says nothing a newer one does not: the broker drops it. */
const HEARTBEAT_TTL_MS = 30_000;

/**
 * A partitioned topic is RabbitMQ's consistent-hash exchange (plugin
 * rabbitmq_consistent_hash_exchange), routed by host name: each host sticks to one queue, and
 * a queue that comes or goes moves only its share of the hosts.
 */
export function exchangeTypeFor(topic: TopicName): string {
  return TOPIC_DELIVERY[topic] === 'partitioned' ? 'x-consistent-hash' : 'fanout';
}

export function exchangeName(prefix: string, topic: TopicName): string {
  return `${prefix}.${topic}`;
}

export function queueName(prefix: string, topic: TopicName, subscription: string): string {
  return `${prefix}.${topic}.${subscription}`;
}

/**
 * The key binding a subscription's queue to its topic's exchange: ignored by fanout; for the
 * consistent-hash exchange the queue's weight, its number of points on the hash ring (more
 * points spread hosts more evenly between few queues).
 */
export function bindingKeyFor(topic: TopicName): string {
  return TOPIC_DELIVERY[topic] === 'partitioned' ? '100' : '';
}

/**
 * Ignored by a fanout exchange; carries the host so that a hashing exchange can use it. With
 * `jobShards` (packing on), a partitioned topic's key is the host's shard instead: every message
 * in a pack must share its routing key, and the hosts of one shard do; a fan-out topic's key is
 * then empty, so that all of its messages can share packs.
 */
export function routingKeyFor<K extends TopicName>(topic: K, message: Topics[K], jobShards?: number): string {
  if (jobShards !== undefined) {
    return TOPIC_DELIVERY[topic] === 'partitioned' ? `shard-${shardOf(partitionKeyOf(topic, message), jobShards)}` : '';
  }
  const host = partitionKeyOf(topic, message);
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
  if (topic === 'service.heartbeats') return String(HEARTBEAT_TTL_MS);
  if (topic !== 'poll.jobs') return undefined;
  const expiresAt = (message as Topics['poll.jobs']).expiresAt;
  return String(Math.max(1, Math.floor(expiresAt - now)));
}


/**
 * A pack lives as long as its shortest-lived member: the broker drops the whole pack then, so a
 * member never outlives its own expiry in the queue (its packmates lose at most the pack window).
 */
export function packExpirationFor<K extends TopicName>(topic: K, messages: readonly Topics[K][], now: number): string | undefined {
  let earliest: number | undefined;
  for (const message of messages) {
    const expiration = expirationFor(topic, message, now);
    if (expiration !== undefined) earliest = Math.min(earliest ?? Infinity, Number(expiration));
  }
  return earliest === undefined ? undefined : String(earliest);
}

/**
 * The shard of a host: FNV-1a (32 bits) over the name's UTF-16 code units, mod `shards`. Stable
 * across processes and restarts, which is all stickiness needs; changing it (or the shard
 * count) moves hosts between workers once.
 */
export function shardOf(host: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) {
    hash ^= host.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/**
 * Poll jobs are transient: they expire within one interval, so writing them to disk buys
 * nothing, costs broker CPU, and would leave the SSH secrets some jobs carry (a password or
 * key passphrase from the inventory) on the broker's disk. Heartbeats are transient too: the
 * next one replaces a lost one; so are completion notices (poll.done): a lost one only lets the
 * scheduler's in-flight mark expire. Results and alert events are persistent: losing them loses data.
 */
export function isPersistent(topic: TopicName): boolean {
  return topic !== 'poll.jobs' && topic !== 'service.heartbeats' && topic !== 'poll.done';
}
