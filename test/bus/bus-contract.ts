// The semantics every MessageBus must share, so that services behave the same on RabbitMQ
// and on the in-process bus of `vigil up`. Registered by each implementation's test file.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageBus, MessageHandler, Subscription } from '../../lib/bus/message-bus.ts';
import type { PollJob, PollResult } from '../../lib/poll/poll-messages.ts';
import type { PollDone } from '../../lib/bus/poll-done.ts';
import { waitUntil } from '../support/wait-for.ts';

export interface BusContractOptions {
  /** A fresh, connected bus; each test closes the buses it creates. */
  createBus(): Promise<MessageBus>;
  /** Runs once after the suite, e.g. to delete broker objects. */
  cleanup?(): Promise<void>;
}

/** Long enough for a wrongly delivered message to show up, for the "nothing more" checks. */
export const QUIET_MS = 300;

export function describeBusContract(implementation: string, options: BusContractOptions): void {
  void describe(`${implementation}: message bus contract`, () => {
    if (options.cleanup) after(options.cleanup);

    void it('gives every subscription name its own copy of each message', async () => {
      const bus = await options.createBus();
      try {
        const a = collector<PollResult>();
        const b = collector<PollResult>();
        await bus.subscribe('poll.results', { name: 'copy-a', durable: false, prefetch: 10 }, a.handler);
        await bus.subscribe('poll.results', { name: 'copy-b', durable: false, prefetch: 10 }, b.handler);
        const sent = [1, 2, 3].map((seq) => pollResult('web-1', seq));
        for (const message of sent) await bus.publish('poll.results', message);
        await waitUntil('both subscriptions to get 3 messages', 10_000, () => a.received.length === 3 && b.received.length === 3, 10);
        assert.deepEqual(sortBySeq(a.received), sent);
        assert.deepEqual(sortBySeq(b.received), sent);
        await delay(QUIET_MS);
        assert.equal(a.received.length, 3);
        assert.equal(b.received.length, 3);
      } finally {
        await bus.close();
      }
    });

    void it('gives every subscription of poll.done its own copy of each completion notice', async () => {
      const bus = await options.createBus();
      try {
        const a = collector<PollDone>();
        const b = collector<PollDone>();
        await bus.subscribe('poll.done', { name: 'done-a', durable: false, prefetch: 10 }, a.handler);
        await bus.subscribe('poll.done', { name: 'done-b', durable: false, prefetch: 10 }, b.handler);
        const sent: PollDone[] = [1, 2, 3].map((seq) => ({ host: `web-${seq}`, seq }));
        await Promise.all(sent.map((done) => bus.publish('poll.done', done)));
        await waitUntil('both subscriptions to get 3 notices', 10_000, () => a.received.length === 3 && b.received.length === 3, 10);
        const bySeq = (list: PollDone[]): PollDone[] => [...list].sort((x, y) => x.seq - y.seq);
        assert.deepEqual(bySeq(a.received), sent);
        assert.deepEqual(bySeq(b.received), sent);
      } finally {
        await bus.close();
      }
    });

    void it('splits messages among consumers sharing a name, handling each once', async () => {
      const bus = await options.createBus();
      const gate = openable();
      try {
        const a = collector<PollJob>(gate.opened);
        const b = collector<PollJob>(gate.opened);
        await bus.subscribe('poll.jobs', { name: 'shared', durable: false, prefetch: 1 }, a.handler);
        await bus.subscribe('poll.jobs', { name: 'shared', durable: false, prefetch: 1 }, b.handler);
        await bus.publish('poll.jobs', pollJob('db-1', 1));
        await bus.publish('poll.jobs', pollJob('db-1', 2));
        // With prefetch 1 and both handlers held, each consumer must hold exactly one.
        await waitUntil('one message in flight at each consumer', 10_000, () => a.inFlight === 1 && b.inFlight === 1, 10);
        gate.open();
        for (let seq = 3; seq <= 10; seq++) await bus.publish('poll.jobs', pollJob('db-1', seq));
        await waitUntil('10 messages handled', 10_000, () => a.handled.length + b.handled.length === 10, 10);
        await delay(QUIET_MS);
        const seqs = [...a.handled, ...b.handled].map((job) => job.seq).sort((x, y) => x - y);
        assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      } finally {
        gate.open();
        await bus.close();
      }
    });

    void it('hands a consumer no more messages at once than its prefetch', async () => {
      const bus = await options.createBus();
      const gate = openable();
      try {
        const c = collector<PollJob>(gate.opened);
        await bus.subscribe('poll.jobs', { name: 'prefetch', durable: false, prefetch: 3 }, c.handler);
        for (let seq = 1; seq <= 8; seq++) await bus.publish('poll.jobs', pollJob('db-2', seq));
        await waitUntil('3 handlers in flight', 10_000, () => c.inFlight === 3, 10);
        await delay(QUIET_MS);
        assert.equal(c.maxInFlight, 3);
        gate.open();
        await waitUntil('8 messages handled', 10_000, () => c.handled.length === 8, 10);
        assert.equal(c.maxInFlight, 3);
      } finally {
        gate.open();
        await bus.close();
      }
    });

    void it('redelivers a rejected message, then acknowledges it once handled', async () => {
      const bus = await options.createBus();
      try {
        let attempts = 0;
        const subscription = await bus.subscribe('poll.results', { name: 'retry', durable: true, prefetch: 1 }, async () => {
          attempts++;
          if (attempts === 1) throw new Error('first attempt fails on purpose');
        });
        await bus.publish('poll.results', pollResult('web-2', 1));
        await waitUntil('a second delivery after the rejection', 10_000, () => attempts === 2, 10);
        await delay(QUIET_MS);
        assert.equal(attempts, 2);
        await subscription.close();
        // Acknowledged, so not left in the durable subscription for its next consumer.
        const again = collector<PollResult>();
        await bus.subscribe('poll.results', { name: 'retry', durable: true, prefetch: 1 }, again.handler);
        await delay(QUIET_MS);
        assert.equal(again.received.length, 0);
      } finally {
        await bus.close();
      }
    });

    void it('Subscription.close() waits for an in-flight handler and acknowledges its message', async () => {
      const bus = await options.createBus();
      const gate = openable();
      try {
        const c = collector<PollResult>(gate.opened);
        const subscription: Subscription = await bus.subscribe(
          'poll.results',
          { name: 'closing', durable: true, prefetch: 1 },
          c.handler,
        );
        await bus.publish('poll.results', pollResult('web-3', 1));
        await waitUntil('the handler to start', 10_000, () => c.inFlight === 1, 10);
        let closed = false;
        const closing = subscription.close().then(() => {
          closed = true;
        });
        await delay(QUIET_MS);
        assert.equal(closed, false, 'close() resolved while its handler was still running');
        gate.open();
        await closing;
        assert.equal(c.handled.length, 1);
        const again = collector<PollResult>();
        await bus.subscribe('poll.results', { name: 'closing', durable: true, prefetch: 1 }, again.handler);
        await delay(QUIET_MS);
        assert.equal(again.received.length, 0, 'the message closed with its subscription was not acknowledged');
      } finally {
        gate.open();
        await bus.close();
      }
    });

    void it("keeps the order of one publisher's messages on a consumer with prefetch 1", async () => {
      const bus = await options.createBus();
      try {
        const c = collector<PollResult>();
        await bus.subscribe('poll.results', { name: 'order', durable: false, prefetch: 1 }, c.handler);
        const seqs = Array.from({ length: 20 }, (_, i) => i + 1);
        // Not awaited one by one: a scheduler fires many publishes at once.
        await Promise.all(seqs.map((seq) => bus.publish('poll.results', pollResult('web-4', seq))));
        await waitUntil('20 messages handled', 10_000, () => c.handled.length === 20, 10);
        assert.deepEqual(
          c.handled.map((result) => result.seq),
          seqs,
        );
      } finally {
        await bus.close();
      }
    });

    void it('rejects publish and subscribe after close', async () => {
      const bus = await options.createBus();
      await bus.close();
      await assert.rejects(bus.publish('poll.results', pollResult('web-5', 1)), /closed/);
      await assert.rejects(
        bus.subscribe('poll.results', { name: 'late', durable: false, prefetch: 1 }, async () => {}),
        /closed/,
      );
    });
  });
}

export interface Collector<T> {
  handler: MessageHandler<T>;
  /** Every delivery, in order of arrival. */
  received: T[];
  /** Deliveries whose handler resolved, in order of completion. */
  handled: T[];
  inFlight: number;
  maxInFlight: number;
}

/** A handler that records deliveries and, given a promise, holds each until it resolves. */
export function collector<T>(hold?: Promise<void>): Collector<T> {
  const c: Collector<T> = {
    received: [],
    handled: [],
    inFlight: 0,
    maxInFlight: 0,
    handler: async (message) => {
      c.received.push(message);
      c.inFlight++;
      c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
      try {
        if (hold) await hold;
        c.handled.push(message);
      } finally {
        c.inFlight--;
      }
    },
  };
  return c;
}

export interface Openable {
  opened: Promise<void>;
  open(): void;
}

export function openable(): Openable {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function pollResult(host: string, seq: number): PollResult {
  const at = 1_700_000_000_000 + seq * 1000;
  return {
    kind: 'failure',
    host,
    seq,
    scheduledAt: at,
    startedAt: at + 1,
    finishedAt: at + 2,
    reason: 'timeout-connect',
    message: `poll ${seq} timed out`,
  };
}

export function pollJob(host: string, seq: number, expiresInMs = 60_000): PollJob {
  const now = Date.now();
  return {
    target: {
      name: host,
      connection: 'ssh',
      address: '127.0.0.1',
      port: 22,
      user: 'vigil',
      privateKeyFile: null,
      intervalSec: 10,
      groups: ['test'],
    },
    seq,
    scheduledAt: now,
    expiresAt: now + expiresInMs,
  };
}

function sortBySeq<T extends { seq: number }>(messages: T[]): T[] {
  return [...messages].sort((x, y) => x.seq - y.seq);
}
