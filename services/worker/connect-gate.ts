// Paces new SSH connections. sshd's MaxStartups drops unauthenticated connections beyond a few
// at once, and fail2ban or an IDS counts connection attempts: a worker that (re)starts with a
// thousand hosts must ramp up, not open a thousand handshakes in the same second.
import { createSemaphore } from './semaphore.ts';

export interface ConnectGateOptions {
  /** New connections started per second, on average. */
  ratePerSec: number;
  /** Connections that may start back to back before the rate applies. */
  burst: number;
  /** Handshakes (TCP connect to authenticated) under way at once. */
  maxConcurrent: number;
}

export interface ConnectGate {
  /** Waits for a start slot; the returned function ends the handshake's hold on the gate. */
  enter(): Promise<() => void>;
  /** Connection starts so far, for tests and metrics. */
  readonly started: number;
}

export function createConnectGate(options: ConnectGateOptions): ConnectGate {
  const { ratePerSec, burst } = options;
  if (!(ratePerSec > 0) || !(burst >= 1)) throw new RangeError('connect rate and burst must be positive');
  const concurrent = createSemaphore(options.maxConcurrent);
  let tokens = burst;
  let refilledAt = Date.now();
  let started = 0;
  // Callers take tokens in arrival order: a chain, so a later caller cannot overtake.
  let turn: Promise<void> = Promise.resolve();

  const takeToken = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * ratePerSec);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - tokens) / ratePerSec) * 1000);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  };

  return {
    enter: async () => {
      const release = await concurrent.acquire();
      const mine = turn.then(takeToken);
      turn = mine.catch(() => {});
      await mine;
      started++;
      return release;
    },
    get started() {
      return started;
    },
  };
}
