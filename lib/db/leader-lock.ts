// One active instance among several (schedulers): whoever holds a PostgreSQL session-level
// advisory lock leads. PostgreSQL drops the lock with the session, so a leader that dies or
// loses its connection frees it at once and a standby's next try takes it.
import pg from 'pg';
import type { Logger } from '../log.ts';
import { redactUrl } from '../redact-url.ts';

export interface Leadership {
  /** Resolves when leadership is lost (the lock's connection failed): stop leading at once. */
  lost: Promise<void>;
  /** Gives the lock up and closes its connection. */
  release(): Promise<void>;
}

export interface LeaderLockOptions {
  url: string;
  /** Which lock: every instance of one role uses the same key. */
  key: number;
  /** How often a standby tries the lock, and how often a leader checks its connection. */
  checkEveryMs: number;
  log: Logger;
  /** Stop waiting (shutdown): the promise then rejects with AbortError. */
  signal?: AbortSignal;
}

/** Waits until this instance holds the lock. */
export async function acquireLeadership(options: LeaderLockOptions): Promise<Leadership> {
  const { url, key, checkEveryMs, log, signal } = options;
  for (;;) {
    signal?.throwIfAborted();
    const client = new pg.Client({ connectionString: url, statement_timeout: checkEveryMs, keepAlive: true });
    // An error on an idle client would otherwise crash the process; `end` is the signal we use.
    client.on('error', (error) => log.warn('leader lock connection failed', { error }));
    try {
      await client.connect();
      for (;;) {
        signal?.throwIfAborted();
        const result = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [key]);
        if (result.rows[0]?.locked) return holdLeadership(client, options);
        await sleep(checkEveryMs, signal);
      }
    } catch (error) {
      await client.end().catch(() => {});
      if (signal?.aborted) throw error;
      log.warn('cannot try the leader lock; retrying', { url: redactUrl(url), error });
      await sleep(checkEveryMs, signal);
    }
  }
}

function holdLeadership(client: pg.Client, options: LeaderLockOptions): Leadership {
  let released = false;
  let markLost!: () => void;
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  client.once('end', () => markLost());
  // A dead server or network is only noticed when the connection is used: use it.
  const timer = setInterval(() => {
    client.query('select 1').catch((error: unknown) => {
      if (released) return;
      options.log.error('lost the leader lock connection', { error });
      markLost();
      void client.end().catch(() => {});
    });
  }, options.checkEveryMs);
  timer.unref();
  void lost.then(() => clearInterval(timer));
  return {
    lost,
    release: async () => {
      released = true;
      clearInterval(timer);
      await client.end().catch(() => {});
      markLost();
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
