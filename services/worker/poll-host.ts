// One poll of one host: run the script, parse it, turn it into a sample. Every failure comes
// back as a failure record, because a host that cannot be polled is itself a result.
import { POLL_SCRIPTS } from '../../lib/collect/poll-script.ts';
import type { PollScriptKind } from '../../lib/collect/poll-script.ts';
import { FULL_POLL_SECTIONS, parsePollOutput, POLL_SECTIONS } from '../../lib/collect/parse-poll-output.ts';
import { buildSample } from '../../lib/collect/build-sample.ts';
import { carryFilesystemsInPlace } from '../../lib/collect/carry-filesystems.ts';
import type { HostSnapshot } from '../../lib/collect/sample.ts';
import type { PollJob, PollResult } from '../../lib/poll/poll-messages.ts';
import { PollError } from './command-runner.ts';
import type { CommandOutput, CommandRunner } from './command-runner.ts';

export interface PollHostOptions {
  execTimeoutMs?: number;
  /** Which of the two constant scripts runs (lib/collect/poll-schedule.ts chooses); default full. */
  kind?: PollScriptKind;
  /** The host's last full snapshot, when `previous` is light: process CPU and fact changes are measured against it. */
  previousFull?: HostSnapshot;
  /** The script to run instead; tests substitute one that misbehaves. */
  script?: string;
  now?: () => number;
}

export interface PollHostOutcome {
  result: PollResult;
  /** The parsed snapshot on success, to compute the next poll's rates from (and carry its filesystems); null on failure. */
  snapshot: HostSnapshot | null;
}

export async function pollHost(
  runner: CommandRunner,
  job: PollJob,
  previous: HostSnapshot | undefined,
  options: PollHostOptions = {},
): Promise<PollHostOutcome> {
  const now = options.now ?? Date.now;
  const host = job.target.name;
  const startedAt = now();
  // Each result is one literal, fields in the order they always had, rather than a spread of a shared base: one per poll.
  try {
    const output = await runner.run(options.script ?? POLL_SCRIPTS[options.kind ?? 'full'], options.execTimeoutMs ?? 10_000);
    const finishedAt = now();
    const parsed = parseOrNull(output.stdout);
    if (parsed?.unsupportedOs != null) {
      const message = `${host} runs ${parsed.unsupportedOs}, not Linux: Vigil reads /proc, which it does not have`;
      return {
        result: { host, seq: job.seq, scheduledAt: job.scheduledAt, startedAt, finishedAt, kind: 'failure', reason: 'unsupported-os', message },
        snapshot: null,
      };
    }
    if (parsed === null || isEmptySnapshot(parsed)) {
      const message = describeUnparseable(host, output);
      return {
        result: { host, seq: job.seq, scheduledAt: job.scheduledAt, startedAt, finishedAt, kind: 'failure', reason: 'output-unparseable', message },
        snapshot: null,
      };
    }
    // A light poll runs no df: its filesystems are the previous snapshot's, and go on to the next one.
    // In place: the snapshot was parsed for this poll alone.
    const snapshot = carryFilesystemsInPlace(parsed, previous, finishedAt);
    const sample = buildSample(host, finishedAt, snapshot, previous, {
      processPatterns: job.target.processPatterns ?? [],
      includePseudoFilesystems: job.target.includePseudoFilesystems ?? false,
      previousFull: options.previousFull,
    });
    return { result: { host, seq: job.seq, scheduledAt: job.scheduledAt, startedAt, finishedAt, kind: 'sample', sample }, snapshot };
  } catch (err) {
    const reason = err instanceof PollError ? err.reason : 'error';
    const message = err instanceof Error ? err.message : String(err);
    return { result: { host, seq: job.seq, scheduledAt: job.scheduledAt, startedAt, finishedAt: now(), kind: 'failure', reason, message }, snapshot: null };
  }
}

function parseOrNull(stdout: string): HostSnapshot | null {
  try {
    return parsePollOutput(stdout);
  } catch {
    return null;
  }
}

/** Not one section parsed: whatever answered was not our script on a Linux host. */
function isEmptySnapshot(snapshot: HostSnapshot): boolean {
  // A loop, not every() with a closure: on a good poll the first section already answers.
  for (const section of POLL_SECTIONS) {
    if (!snapshot.missing.includes(section) && !(snapshot.script === 'light' && FULL_POLL_SECTIONS.includes(section))) return false;
  }
  return true;
}

function describeUnparseable(host: string, output: CommandOutput): string {
  const status = output.exitCode === null ? 'no exit status' : `exit status ${output.exitCode}`;
  const stderr = output.stderr.trim().slice(0, 300);
  return `poll output from ${host} could not be parsed (${status}, ${output.stdout.length} bytes of output)`
    + (stderr ? `; stderr: ${stderr}` : '');
}
