// What the web service's benchmarks share: medians and timings of rounds, and the longest the
// event loop was held while a request ran, with its baseline (the same client reading /healthz
// over and over): what any other request may wait behind the one measured.
import { get } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** The longest event-loop hold in ms while `run` runs (the bench process serves and reads alike). */
export async function longestHoldMs(run: () => Promise<unknown>): Promise<number> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  await run();
  delay.disable();
  return delay.max / 1e6;
}

/** The baseline: the server's /healthz read for a second, one request after another. */
export async function readHealthzForASecond(port: number): Promise<void> {
  const url = `http://127.0.0.1:${port}/healthz`;
  const until = performance.now() + 1_000;
  while (performance.now() < until) {
    await new Promise<void>((resolve, reject) => {
      get(url, { agent: false }, (response) => response.resume().on('end', resolve)).on('error', reject);
    });
  }
}
