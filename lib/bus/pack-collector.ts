// Gathers published messages into packs, one pending pack per (topic, routing key), and hands a
// pack to the sender when it is full (messages or bytes) or its window has passed. Knows nothing
// of AMQP: the bus decides how a pack travels and settles each member's promise.
import type { PackOptions } from './amqp-pack.ts';
import { TOPIC_DELIVERY, type TopicName } from './message-bus.ts';

export interface PackMember {
  /** The member's JSON, encoded once at publish. */
  body: Buffer;
  message: unknown;
  resolve(): void;
  reject(error: unknown): void;
}

export interface Pack {
  topic: TopicName;
  routingKey: string;
  members: PackMember[];
  bytes: number;
}

interface PendingPack extends Pack {
  timer: NodeJS.Timeout | null;
}

export class PackCollector {
  private readonly pending = new Map<string, PendingPack>();

  constructor(
    private readonly options: PackOptions,
    /** Takes the pack over: must settle every member. */
    private readonly send: (pack: Pack) => void,
  ) {}

  /** Resolves when the pack holding the message is confirmed. */
  add(topic: TopicName, routingKey: string, body: Buffer, message: unknown): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const member: PackMember = { body, message, resolve, reject };
      const key = `${topic}\u0000${routingKey}`;
      let pack = this.pending.get(key);
      // +1 for the comma; a pack over the byte cap leaves before this member joins, so a pack
      // exceeds the cap only when one member alone does (then it travels alone).
      if (pack && pack.bytes + body.length + 1 > this.options.maxBytes) {
        this.flush(key, pack);
        pack = undefined;
      }
      if (!pack) {
        pack = { topic, routingKey, members: [], bytes: 1, timer: null };
        this.pending.set(key, pack);
      }
      pack.members.push(member);
      pack.bytes += body.length + 1;
      if (pack.members.length >= this.options.maxMessages || pack.bytes >= this.options.maxBytes) {
        this.flush(key, pack);
      } else if (!pack.timer) {
        const ready = pack;
        const windowMs = TOPIC_DELIVERY[topic] === 'partitioned' ? this.options.jobWindowMs : this.options.windowMs;
        ready.timer = setTimeout(() => this.flush(key, ready), windowMs);
      }
    });
  }

  /** Sends every pending pack now (the bus is closing). */
  flushAll(): void {
    for (const [key, pack] of [...this.pending]) this.flush(key, pack);
  }

  private flush(key: string, pack: PendingPack): void {
    if (this.pending.get(key) !== pack) return;
    this.pending.delete(key);
    if (pack.timer) clearTimeout(pack.timer);
    pack.timer = null;
    this.send({ topic: pack.topic, routingKey: pack.routingKey, members: pack.members, bytes: pack.bytes });
  }
}
