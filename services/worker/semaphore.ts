// Counts holders of a limited resource (channels on a connection, handshakes under way);
// waiters are served in arrival order.

export interface Semaphore {
  /** Resolves with a release function once a slot is free; call it exactly once. */
  acquire(): Promise<() => void>;
  readonly held: number;
  readonly waiting: number;
}

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  let held = 0;
  const queue: Array<() => void> = [];
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else held--;
  };
  const once = (): (() => void) => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  };
  return {
    acquire: () => {
      if (held < limit) {
        held++;
        return Promise.resolve(once());
      }
      // The slot passes straight from the releaser to the waiter: `held` stays the same.
      return new Promise((resolve) => queue.push(() => resolve(once())));
    },
    get held() {
      return held;
    },
    get waiting() {
      return queue.length;
    },
  };
}
