// Ordered graceful shutdown: on SIGINT/SIGTERM run the steps in order (stop taking work,
// drain, then close connections), each bounded so one stuck step cannot hang the exit.
import type { Logger } from './log.ts';

export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

export function onShutdownSignal(log: Logger, steps: ShutdownStep[], stepTimeoutMs = 15_000): void {
  let started = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (started) {
      log.warn('second signal: exiting at once', { signal });
      process.exit(1);
    }
    started = true;
    log.info('shutting down', { signal });
    let failed = false;
    for (const step of steps) {
      try {
        await withTimeout(step.run(), stepTimeoutMs, step.name);
      } catch (error) {
        failed = true;
        log.error('shutdown step failed', { step: step.name, error });
      }
    }
    log.info('stopped');
    process.exit(failed ? 1 : 0);
  };
  process.once('SIGINT', (signal) => void shutdown(signal));
  process.once('SIGTERM', (signal) => void shutdown(signal));
}

async function withTimeout(promise: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
