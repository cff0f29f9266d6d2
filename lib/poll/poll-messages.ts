import type { CheckResult } from '../checks/check-result.ts';
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
  /**
   * The host's service checks, which still ran: HTTP and TCP go from the worker, not through the
   * host's SSH, so a web check of a host whose poll failed still matters. Stored in
   * poll_failures.checks; systemd checks are left out when the SSH connection itself failed.
   * Absent: the host has no checks. (A good poll carries them in sample.checks.)
   */
  checks?: CheckResult[];
}

export type PollResult = PollSuccess | PollFailure;
