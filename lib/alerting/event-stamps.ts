// Keeps each alert's published events in time order. The evaluator stamps a result's events with
// the result's time and its periodic re-publication with the tick's; a result that ends an alert
// but arrives after a tick (a late or redelivered poll) would then carry an older time than the
// re-published firing, and the alerter, which drops an event older than the alert's last one,
// would keep the alert firing for good. Each event of a key is stamped at least 1 ms after the
// previous one published for that key.
import type { AlertEvent } from './alert-event.ts';

export class EventStamps {
  readonly #last = new Map<string, number>();

  /** The events in order, each `at` moved past the last one stamped for its alert where needed. */
  stamp(events: readonly AlertEvent[]): AlertEvent[] {
    return events.map((event) => {
      const last = this.#last.get(event.key);
      const stamped = last !== undefined && event.at <= last ? { ...event, at: last + 1 } : event;
      // Resolved ends the occurrence: a later firing is a new one, stamped by its own time.
      if (stamped.state === 'resolved') this.#last.delete(event.key);
      else this.#last.set(event.key, stamped.at);
      return stamped;
    });
  }
}
