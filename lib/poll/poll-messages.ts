import type { Sample } from '../collect/sample.ts';
import type { HostTarget } from './host-target.ts';

/** The stable reasons a poll can fail; alerting and the dashboard key on them. */
export const FAILURE_REASONS = [
  'refused',
  'timeout-connect',
  'timeout-exec',
  'auth-failed',
  'host-key-changed',
  'dns',
  'unreachable',
  'protocol',
  'output-unparseable',
  /** The host answered but is not Linux (no /proc/stat); the message names its `uname -s`. */
  'unsupported-os',
  'error',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface PollJob {
  target: HostTarget;
  /** Per-host sequence number from the scheduler. */
  seq: number;
  /** Milliseconds since the epoch when the scheduler wanted this poll to run. */
  scheduledAt: number;
  /** A job found after this time is stale: the worker drops it instead of polling. */
  expiresAt: number;
}

interface PollResultBase {
  host: string;
  seq: number;
  scheduledAt: number;
  startedAt: number;
  finishedAt: number;
}

export interface PollSuccess extends PollResultBase {
  kind: 'sample';
  sample: Sample;
}

export interface PollFailure extends PollResultBase {
  kind: 'failure';
  reason: FailureReason;
  message: string;
}

export type PollResult = PollSuccess | PollFailure;
