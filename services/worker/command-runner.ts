// How the worker runs the poll script on a host, whatever the transport (SSH or local shell).
import type { FailureReason } from '../../lib/poll/poll-messages.ts';

export interface CommandOutput {
  stdout: string;
  stderr: string;
  /** Null when the shell ended without an exit status (killed by a signal). */
  exitCode: number | null;
}

export interface CommandRunner {
  run(script: string, timeoutMs: number): Promise<CommandOutput>;
  /** Releases whatever the runner holds (a connection); the next run starts afresh. */
  close(): void;
}

/** A failed poll whose cause has already been classified into one of the stable reasons. */
export class PollError extends Error {
  readonly reason: FailureReason;

  constructor(reason: FailureReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PollError';
    this.reason = reason;
  }
}
