// The completion notice of one poll: what the scheduler needs to clear a host's in-flight mark.
// It travels on its own topic so that the scheduler neither receives nor decodes every full
// result (up to 170 kB with processes) only to read two fields of it.
import type { PollResult } from '../poll/poll-messages.ts';

export interface PollDone {
  host: string;
  /** The job's per-host sequence number, as in its result. */
  seq: number;
}

export function pollDoneOf(result: PollResult): PollDone {
  return { host: result.host, seq: result.seq };
}

/** A bus message is data from another process: checked before the scheduler trusts it. */
export function isPollDone(message: unknown): message is PollDone {
  if (typeof message !== 'object' || message === null) return false;
  const { host, seq } = message as Record<string, unknown>;
  return typeof host === 'string' && typeof seq === 'number' && Number.isInteger(seq);
}
