// Which of the two poll scripts a host's next poll runs. The full one is what costs a busy host
// most (a `head` over every process's stat and cmdline, df, systemctl) and the worker most (parsing
// them), while the processes' top lists, the facts, the filesystems' space and the failed units are
// worth refreshing far less often than CPU, memory, disk I/O and network: so most polls are light,
// and a light poll's sample shows the filesystems of the last full one (carry-filesystems.ts).
// The first poll of a host by a worker (new host, new or restarted worker, a host moved between
// workers) is full, so that every sample after it has them.

import type { PollScriptKind } from './poll-script.ts';

/** How often a host gets a full poll unless it says otherwise: about once a minute. */
export const DEFAULT_FULL_POLL_EVERY_SEC = 60;

export interface PollScheduleTarget {
  /** vigil_interval. */
  intervalSec: number;
  /** vigil_processes: their counts must be right on every poll, so every poll is full. */
  processPatterns?: readonly string[];
  /** vigil_processes_every: seconds between full polls; absent: DEFAULT_FULL_POLL_EVERY_SEC. */
  processesEverySec?: number | null;
}

/** Every how many polls the full script runs: the full-poll period in polls of the host's interval, at least 1. */
export function fullPollEveryPolls(target: PollScheduleTarget): number {
  const everySec = target.processesEverySec ?? DEFAULT_FULL_POLL_EVERY_SEC;
  const interval = target.intervalSec > 0 ? target.intervalSec : 1;
  const polls = Math.round(everySec / interval);
  return Number.isFinite(polls) && polls > 1 ? polls : 1;
}

/**
 * The script for a host's next poll, given the good light polls since its last good full one
 * (null: none yet, as on first contact or after the worker restarted). Counting polls rather than
 * seconds keeps it deterministic, so a benchmark can replay the same mix.
 */
export function pollScriptFor(target: PollScheduleTarget, lightPollsSinceFull: number | null): PollScriptKind {
  if (lightPollsSinceFull === null) return 'full';
  if ((target.processPatterns?.length ?? 0) > 0) return 'full';
  return lightPollsSinceFull + 1 >= fullPollEveryPolls(target) ? 'full' : 'light';
}
