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

/** The systemd checks of `specs`, as one script over `runner`; never rejects. */
export async function runSystemdChecks(runner: CommandRunner, specs: readonly CheckSpec[], options: HostChecksOptions = {}): Promise<CheckResult[]> {
  const systemd = specs.filter((spec): spec is SystemdCheckSpec => spec.kind === 'systemd');
  if (systemd.length === 0) return [];
  return overConnection(runner, systemd, () => systemdCheckScript(systemd.map((spec) => spec.unit)), options, (output) => systemdCheckResults(systemd, output), 'systemctl');
}

/** The file checks of `specs`, as one script over `runner`; never rejects. */
async function runFileChecks(runner: CommandRunner, specs: readonly CheckSpec[], options: HostChecksOptions = {}): Promise<CheckResult[]> {
  const files = specs.filter((spec): spec is FileCheckSpec => spec.kind === 'file');
  if (files.length === 0) return [];
  return overConnection(runner, files, () => fileCheckScript(files.map((spec) => spec.path)), options, (output) => fileCheckResults(files, output), 'stat');
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

/** What a worker keeps of a host's checks from one poll to the next. */
export interface HostCheckMemory {
  files?: { at: number; key: string; results: CheckResult[] };
}

/**
 * How often a host's files are read. A mark allowed to be hours old needs no look every poll, and
 * each look is an exec: 5.7 ms of the host's CPU against 3.3 ms for an empty one on the same path
 * (BENCHMARKS.md, poll-script-cost). In between, the last reading stands, aged by the time since.
 */
export const FILE_CHECK_EVERY_MS = 60_000;

async function fileChecksNowOrCarried(runner: CommandRunner, specs: readonly CheckSpec[], options: HostChecksOptions, memory: HostCheckMemory | undefined): Promise<CheckResult[]> {
  const files = specs.filter((spec): spec is FileCheckSpec => spec.kind === 'file');
  if (files.length === 0) {
    if (memory) delete memory.files;
    return [];
  }
  const now = options.now?.() ?? Date.now();
  const key = JSON.stringify(files);
  const last = memory?.files;
  if (last && last.key === key && now - last.at < FILE_CHECK_EVERY_MS) {
    const byId = new Map(last.results.map((result) => [result.id, result]));
    return files.flatMap((spec) => {
      const result = byId.get(spec.id);
      return result ? agedFileResult(spec, result, (now - last.at) / 1000) : [];
    });
  }
  const results = await runFileChecks(runner, specs, options);
  // A reading that failed (a timeout, cut output) is tried again next poll, not carried.
  if (memory) {
    if (results.every((result) => result.reason !== 'error' && result.reason !== 'timeout')) memory.files = { at: now, key, results };
    else delete memory.files;
  }
  return results;
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

/**
 * `poll` (the host's own poll) with the host's checks run around it: network checks started first,
 * so they run while it does; systemd ones after it, over its connection, only when that answered
 * (else they are unknown, left out, and host_down speaks for the host). The worker and `vigil poll`
 * both poll through this.
 */
/** Whether withHostChecks runs anything for this host (vigil_checks). */
export function hasHostChecks(target: HostTarget): boolean {
  return (target.checks?.length ?? 0) > 0;
}

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
    hostSide = [...(await runSystemdChecks(runner, specs, options)), ...(await fileChecksNowOrCarried(runner, specs, options, memory))];
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
