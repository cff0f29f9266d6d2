// A host's service checks (vigil_checks), run by the worker with each poll of the host. HTTP and TCP
// checks go from the worker itself and start with the poll, so they run while the SSH poll does;
// systemd and file checks need the host, and run over the host's own connection (the CommandRunner),
// a script each, once the poll is done: on one connection, a check that timed out drops it (ssh-connections.ts), which
// would fail a poll still running on it. Every check has its own timeout, and a check never throws:
// whatever goes wrong is its result.
import type { CheckFailureReason, CheckResult } from '../../lib/checks/check-result.ts';
import type { CheckSpec, FileCheckSpec, HttpCheckSpec, SystemdCheckSpec, TcpCheckSpec } from '../../lib/checks/check-spec.ts';
import { agedFileResult, fileCheckResults } from '../../lib/checks/file-check-results.ts';
import { fileCheckScript } from '../../lib/checks/file-check-script.ts';
import { runHttpCheck } from '../../lib/checks/run-http-check.ts';
import type { HttpCheckOptions } from '../../lib/checks/run-http-check.ts';
import { runTcpCheck } from '../../lib/checks/run-tcp-check.ts';
import { systemdCheckResults } from '../../lib/checks/systemd-check-results.ts';
import { systemdCheckScript } from '../../lib/checks/systemd-check-script.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollResult } from '../../lib/poll/poll-messages.ts';
import { PollError } from './command-runner.ts';
import type { CommandRunner } from './command-runner.ts';

/** One exec of `systemctl show` (or of the file check's `stat`) costs the host a few ms; a host that takes this long is in trouble anyway. */
export const DEFAULT_SYSTEMD_CHECK_TIMEOUT_MS = 5000;

// The runners end a check at its own timeout; this margin past it only guards against a runner
// that failed to (a socket event that never came), so that no check can hold the poll's result.
const GUARD_MARGIN_MS = 1000;

export interface HostChecksOptions {
  /** systemd checks: the exec of the script over the host's connection, in one. */
  systemdTimeoutMs?: number;
  /** The worker's clock, for FILE_CHECK_EVERY_MS; tests move it. */
  now?: () => number;
  http?: HttpCheckOptions;
}

/** The network checks (HTTP, TCP) of `specs`, started now; resolves with their results in spec order, never rejects. */
export function startNetworkChecks(specs: readonly CheckSpec[], options: HostChecksOptions = {}): Promise<CheckResult[]> {
  const network = specs.filter((spec): spec is HttpCheckSpec | TcpCheckSpec => spec.kind === 'http' || spec.kind === 'tcp');
  return Promise.all(network.map((spec) => guarded(spec, options)));
}

function guarded(spec: HttpCheckSpec | TcpCheckSpec, options: HostChecksOptions): Promise<CheckResult> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve(failed(spec, 'timeout', `the check did not end within its ${spec.timeoutMs / 1000} s timeout`));
    }, spec.timeoutMs + GUARD_MARGIN_MS);
    // Inside a promise chain: a runner that throws as it starts (a URL it cannot request) is a result too.
    Promise.resolve()
      .then(() => (spec.kind === 'http' ? runHttpCheck(spec, options.http) : runTcpCheck(spec)))
      .catch((error: unknown) => failed(spec, 'error', error instanceof Error ? error.message : String(error)))
      .then((result) => {
        clearTimeout(timer);
        resolve(result);
      }, () => {});
  });
}

/**
 * Whether the host's own connection answered, so that systemd checks can run over it: a sample, or
 * a failure after the script ran (its output unparseable, not Linux). Any other failure is the
 * connection's, which host_down reports: its systemd checks are left out, unknown, not failing.
 */
export function connectionAnswered(result: PollResult): boolean {
  return result.kind === 'sample' || result.reason === 'output-unparseable' || result.reason === 'unsupported-os';
}

async function overConnection(
  runner: CommandRunner, specs: readonly CheckSpec[], script: () => string, options: HostChecksOptions, results: (stdout: string) => CheckResult[], what: string,
): Promise<CheckResult[]> {
  try {
    // Built inside: a value that cannot be sent as data (parseCheckSpecs refuses them first) fails its checks, not the poll.
    const output = await runner.run(script(), options.systemdTimeoutMs ?? DEFAULT_SYSTEMD_CHECK_TIMEOUT_MS);
    return results(output.stdout);
  } catch (error) {
    const timedOut = error instanceof PollError && (error.reason === 'timeout-exec' || error.reason === 'timeout-connect');
    const message = error instanceof Error ? error.message : String(error);
    return specs.map((spec) => failed(spec, timedOut ? 'timeout' : 'error', `${what} over the host's connection: ${message}`));
  }
}

/** One reading of a host's systemd or file checks, standing for the polls after it. */
interface CarriedReading {
  at: number;
  /** The ids of the checks it was read for: another list is read at once. */
  key: string;
  results: CheckResult[];
  /** Readings in a row, this one included, in which some check did not pass. */
  failingReadings: number;
}

/** What a worker keeps of a host's checks from one poll to the next. */
export interface HostCheckMemory {
  systemd?: CarriedReading;
  files?: CarriedReading;
}

/**
 * How often a host's systemd units and files are read. Each reading is an exec over the host's
 * connection: here a systemd check cost an OpenSSH host 7.5 ms of CPU and a file check 5.7 ms,
 * against 3.3 ms for an empty exec and 3.9 ms for a whole light poll (BENCHMARKS.md,
 * poll-script-cost). So, as Zabbix and Checkmk look at a service once a minute, a reading stands
 * for a minute; a file's age goes on with the clock in between.
 */
export const SYSTEMD_CHECK_EVERY_MS = 60_000;
export const FILE_CHECK_EVERY_MS = 60_000;

/**
 * A reading in which a check did not pass is read again at the next poll before it may stand:
 * check_failing wants two polls in a row, and two looks are what that means, not one look twice.
 * Once the second look agrees (or when all passed), it stands for the minute.
 */
const READINGS_TO_CONFIRM = 2;

interface OnHostChecks<S extends CheckSpec> {
  specsOf: (specs: readonly CheckSpec[]) => S[];
  everyMs: number;
  read: (runner: CommandRunner, specs: S[], options: HostChecksOptions) => Promise<CheckResult[]>;
  /** The result standing for `spec` `ageSec` after it was read. */
  carried: (spec: S, result: CheckResult, ageSec: number) => CheckResult;
}

const SYSTEMD_CHECKS: OnHostChecks<SystemdCheckSpec> = {
  specsOf: (specs) => specs.filter((spec): spec is SystemdCheckSpec => spec.kind === 'systemd'),
  everyMs: SYSTEMD_CHECK_EVERY_MS,
  read: (runner, systemd, options) =>
    overConnection(runner, systemd, () => systemdCheckScript(systemd.map((spec) => spec.unit)), options, (output) => systemdCheckResults(systemd, output), 'systemctl'),
  carried: (_spec, result) => result,
};

const FILE_CHECKS: OnHostChecks<FileCheckSpec> = {
  specsOf: (specs) => specs.filter((spec): spec is FileCheckSpec => spec.kind === 'file'),
  everyMs: FILE_CHECK_EVERY_MS,
  read: (runner, files, options) =>
    overConnection(runner, files, () => fileCheckScript(files.map((spec) => spec.path)), options, (output) => fileCheckResults(files, output), 'stat'),
  carried: agedFileResult,
};

/** The checks of one kind: read over `runner` now, or the last reading while it stands; never rejects. */
async function readOrCarried<S extends CheckSpec>(
  checks: OnHostChecks<S>, runner: CommandRunner, allSpecs: readonly CheckSpec[], options: HostChecksOptions, last: CarriedReading | undefined,
): Promise<{ results: CheckResult[]; reading: CarriedReading | undefined }> {
  const specs = checks.specsOf(allSpecs);
  if (specs.length === 0) return { results: [], reading: undefined };
  const now = options.now?.() ?? Date.now();
  // By ids (the unit, the path): a changed max_age needs no new reading, carried() judges by it.
  const key = specs.map((spec) => spec.id).join('\n');
  const stands = last !== undefined && last.key === key && now - last.at < checks.everyMs
    && (last.failingReadings === 0 || last.failingReadings >= READINGS_TO_CONFIRM);
  if (stands) {
    const byId = new Map(last.results.map((result) => [result.id, result]));
    const results = specs.flatMap((spec) => {
      const result = byId.get(spec.id);
      return result ? checks.carried(spec, result, (now - last.at) / 1000) : [];
    });
    return { results, reading: last };
  }
  const results = await checks.read(runner, specs, options);
  const failing = results.some((result) => !result.ok);
  const sameList = last !== undefined && last.key === key;
  const failingReadings = failing ? (sameList ? last.failingReadings : 0) + 1 : 0;
  return { results, reading: { at: now, key, results, failingReadings } };
}

/** The systemd checks of `specs`, as one script over `runner`, read now; never rejects. */
export async function runSystemdChecks(runner: CommandRunner, specs: readonly CheckSpec[], options: HostChecksOptions = {}): Promise<CheckResult[]> {
  return (await readOrCarried(SYSTEMD_CHECKS, runner, specs, options, undefined)).results;
}

/** Results in the order of the inventory's list, whichever runner produced them, each with its check's name. */
export function inSpecOrder(specs: readonly CheckSpec[], results: readonly CheckResult[]): CheckResult[] {
  const byId = new Map(results.map((result) => [result.id, result]));
  return specs.flatMap((spec) => {
    const result = byId.get(spec.id);
    if (result === undefined) return [];
    return spec.name === undefined ? result : { ...result, name: spec.name };
  });
}

/** The sources whose hosts the worker reaches over SSH (or a local shell), where systemd checks can run. */
const SSH_SOURCES: ReadonlySet<string> = new Set(['ssh', 'node_exporter']);

/** Whether withHostChecks runs anything for this host (vigil_checks). */
export function hasHostChecks(target: HostTarget): boolean {
  return (target.checks?.length ?? 0) > 0;
}

/**
 * `poll` (the host's own poll) with the host's checks run around it: network checks started first,
 * so they run while it does; systemd and file ones after it, over its connection, only when that
 * answered (else they are unknown, left out, and host_down speaks for the host), each read now or
 * carried (readOrCarried). The worker and `vigil poll` both poll through this.
 */
export async function withHostChecks<T extends { result: PollResult }>(
  runner: CommandRunner, target: HostTarget, poll: () => Promise<T>, options: HostChecksOptions = {}, memory?: HostCheckMemory,
): Promise<T> {
  const specs = target.checks ?? [];
  if (!hasHostChecks(target)) return poll();
  const networkChecks = startNetworkChecks(specs, options);
  const outcome = await poll();
  const onHost = specs.filter((spec) => spec.kind === 'systemd' || spec.kind === 'file');
  let hostSide: CheckResult[] = [];
  if (onHost.length > 0 && !SSH_SOURCES.has(target.source ?? 'ssh')) {
    hostSide = onHost.map((spec) => failed(spec, 'error', `${spec.kind} checks run over SSH, and this host's source is ${String(target.source)}`));
  } else if (onHost.length > 0 && connectionAnswered(outcome.result)) {
    // One after the other on the one connection: a script that times out drops it (ssh-connections.ts).
    const systemd = await readOrCarried(SYSTEMD_CHECKS, runner, specs, options, memory?.systemd);
    const files = await readOrCarried(FILE_CHECKS, runner, specs, options, memory?.files);
    if (memory) {
      memory.systemd = systemd.reading;
      memory.files = files.reading;
    }
    hostSide = [...systemd.results, ...files.results];
  }
  const checks = inSpecOrder(specs, [...(await networkChecks), ...hostSide]);
  return { ...outcome, result: withChecks(outcome.result, checks) };
}

/** The result with the host's checks in it: a sample's `checks`, or a failure's own. */
export function withChecks(result: PollResult, checks: CheckResult[]): PollResult {
  if (result.kind === 'sample') return { ...result, sample: { ...result.sample, checks } };
  return checks.length > 0 ? { ...result, checks } : result;
}

function failed(spec: CheckSpec, reason: CheckFailureReason, message: string): CheckResult {
  return { id: spec.id, kind: spec.kind, ok: false, reason, message };
}
