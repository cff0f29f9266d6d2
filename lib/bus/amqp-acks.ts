// Acknowledges one channel's deliveries in batches: an ack with `multiple` (allUpTo) settles every
// delivery up to its tag at once, so a burst of handlers that settle together (a writer's batch
// of 500) costs the broker one ack frame instead of 500. Only a contiguous run from the oldest
// open delivery is acked that way: a delivery whose handler still runs must never be covered.
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../log.ts';

export interface TrackedDelivery {
  readonly delivery: ConsumeMessage;
  /** open: its handlers run; ack: to be acked with the next batch; done: settled (nacked). */
  state: 'open' | 'ack' | 'done';
}

export class ChannelAcks {
  /** Tracked deliveries in delivery order (the broker's tags only grow on a channel). */
  private readonly outstanding: TrackedDelivery[] = [];
  private head = 0;
  private scheduled: NodeJS.Immediate | null = null;
  /** Set once the channel closed: every unacked delivery is the broker's again. */
  closed = false;

  constructor(
    readonly channel: Channel,
    private readonly log: Logger,
  ) {}

  /** Every delivery not settled at once must be tracked, in arrival order. */
  track(delivery: ConsumeMessage): TrackedDelivery {
    const tracked: TrackedDelivery = { delivery, state: 'open' };
    this.outstanding.push(tracked);
    return tracked;
  }

  /** Acked with the next batch: on the next turn of the event loop, so that settles of one turn share it. */
  ack(tracked: TrackedDelivery): void {
    tracked.state = 'ack';
    this.schedule();
  }

  /**
   * Nacked at once, on its own (a nack with `multiple` would reject its open predecessors). A
   * nacked delivery leaves the broker's unacked set, so a later multiple-ack passing over it is
   * harmless.
   */
  nack(tracked: TrackedDelivery, requeue: boolean): void {
    tracked.state = 'done';
    this.settleNow(tracked.delivery, requeue ? 'requeue' : 'drop');
    this.schedule();
  }

  /** For a delivery never tracked: settled at once. */
  settleNow(delivery: ConsumeMessage, outcome: 'ack' | 'requeue' | 'drop'): void {
    if (this.closed) return;
    try {
      if (outcome === 'ack') this.channel.ack(delivery);
      else this.channel.nack(delivery, false, outcome === 'requeue');
    } catch (err) {
      this.log.debug('cannot settle a message on a closed channel; the broker redelivers it', { outcome, error: err });
    }
  }

  /** Sends the pending batch now (before the channel closes). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    let last: TrackedDelivery | null = null;
    while (this.head < this.outstanding.length) {
      const tracked = this.outstanding[this.head]!;
      if (tracked.state === 'open') break;
      if (tracked.state === 'ack') last = tracked;
      this.head++;
    }
    // Compacted now and then rather than shifted per delivery.
    if (this.head > 1024 && this.head * 2 > this.outstanding.length) {
      this.outstanding.splice(0, this.head);
      this.head = 0;
    }
    if (!last || this.closed) return;
    try {
      this.channel.ack(last.delivery, true);
    } catch (err) {
      this.log.debug('cannot ack on a closed channel; the broker redelivers', { error: err });
    }
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.flush();
    });
  }
}
