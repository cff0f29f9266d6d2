// Realistic samples without SSH: a simulated host's poll output, parsed and built as a worker does,
// full polls on the worker's schedule (about one a minute) and light ones between, which carry the
// full poll's filesystems. For tests and benchmarks that store history.
import { buildSample } from '../collect/build-sample.ts';
import { carryFilesystems } from '../collect/carry-filesystems.ts';
import { parsePollOutput } from '../collect/parse-poll-output.ts';
import { pollScriptFor } from '../collect/poll-schedule.ts';
import type { HostSnapshot, Sample } from '../collect/sample.ts';
import { renderPollOutput } from './render-poll-output.ts';
import { advanceHostState, createHostState } from './simulated-host-state.ts';

/** The next sample of one host at each call, intervalMs apart from fromMs (a poll before fromMs primes the counters). */
export function simulatedSampleStream(host: string, fromMs: number, intervalMs = 10_000): () => Sample {
  const state = createHostState(host, 7, fromMs - intervalMs);
  let previous: HostSnapshot = carryFilesystems(parsePollOutput(renderPollOutput(state, 'full')), undefined, fromMs - intervalMs);
  let previousFull = previous;
  let lightSinceFull = 0;
  let ts = fromMs;
  return () => {
    const script = pollScriptFor({ intervalSec: intervalMs / 1000 }, lightSinceFull);
    advanceHostState(state, ts);
    // As the worker does it: a light poll runs no df and carries the last full poll's filesystems.
    const snapshot = carryFilesystems(parsePollOutput(renderPollOutput(state, script)), previous, ts);
    const sample = buildSample(host, ts, snapshot, previous, { previousFull });
    previous = snapshot;
    if (script === 'full') {
      previousFull = snapshot;
      lightSinceFull = 0;
    } else {
      lightSinceFull++;
    }
    ts += intervalMs;
    return sample;
  };
}

/** `count` samples of `host`, intervalMs apart from fromMs. */
export function simulatedSamples(host: string, fromMs: number, count: number, intervalMs = 10_000): Sample[] {
  const next = simulatedSampleStream(host, fromMs, intervalMs);
  return Array.from({ length: count }, next);
}
