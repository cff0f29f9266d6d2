// A libvirt host's guests (vigil_libvirt: true), listed after the host's own poll over the same
// connection (the CommandRunner), as run-host-checks.ts runs systemd checks: one exec of
// libvirtScript (virsh list and domstats) with its own timeout. Its VMs ride on the host's result as
// children (PollSuccess.children), stored as entries `<host>/<domain>` under it.
//
// This part never fails the host's poll: the host's sample is stored whatever virsh does. A failure
// (virsh missing, a URI it cannot connect to, a timeout, output that is no virsh's) leaves the
// result without a listing (no children, so no guest is marked removed for it), adds `libvirt` to
// the sample's `missing` (shown by the host's API and by `vigil poll`), and is logged at warn once
// when it starts or changes and at info when it ends, not on every poll of a host that has no virsh.
import type { Logger } from '../../lib/log.ts';
import { libvirtScript, parseLibvirtOutput } from '../../lib/checks/libvirt-script.ts';
import { libvirtDriver, libvirtGuestSamples } from '../../lib/libvirt/libvirt-guest-samples.ts';
import type { DomainCounters } from '../../lib/libvirt/libvirt-guest-samples.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollResult, PollSuccess } from '../../lib/poll/poll-messages.ts';
import { PollError } from './command-runner.ts';
import type { CommandRunner } from './command-runner.ts';

/** virsh list and domstats of a few dozen VMs take well under a second; a host this slow is in trouble anyway. */
export const DEFAULT_LIBVIRT_TIMEOUT_MS = 5000;
/** The section name in Sample.missing when the guests could not be listed. */
export const LIBVIRT_MISSING_SECTION = 'libvirt';

/** no-virsh: not installed (or not on the login's PATH); virsh-failed: it ran and said why not; timeout; error: anything else. */
export type LibvirtFailureReason = 'no-virsh' | 'virsh-failed' | 'timeout' | 'error';

export interface LibvirtFailure {
  reason: LibvirtFailureReason;
  message: string;
}

/** What one host's next libvirt poll needs from this one; the worker keeps it with the host's other state. */
export interface LibvirtGuestMemory {
  /** The running domains' counters, by name: the base of the next rates. */
  counters: Map<string, DomainCounters>;
  /** The failure of the last attempt, to log a lasting one once; null: it went well (or none yet). */
  failure: LibvirtFailure | null;
}

export interface LibvirtGuestsOptions {
  timeoutMs?: number;
  log?: Logger;
  now?: () => number;
}

export function createLibvirtGuestMemory(): LibvirtGuestMemory {
  return { counters: new Map(), failure: null };
}

/** The memory of `host` in `memories`, made on first use (for `vigil poll`, which has no worker state). */
export function libvirtGuestMemoryFor(memories: Map<string, LibvirtGuestMemory>, host: string): LibvirtGuestMemory {
  let memory = memories.get(host);
  if (memory === undefined) {
    memory = createLibvirtGuestMemory();
    memories.set(host, memory);
  }
  return memory;
}

/**
 * `poll` (the host's own poll, checks around it or not), then, for a host with vigil_libvirt whose
 * poll gave a sample, its guests as children. `libvirtFailure` says why they are missing; null when
 * they were listed or not asked for. Never rejects on the libvirt part's account.
 */
/** Whether withLibvirtGuests lists anything for this host (vigil_libvirt): its settings, which it reads itself. */
export function listsLibvirtGuests(target: HostTarget): boolean {
  return target.libvirt !== undefined;
}

export async function withLibvirtGuests<T extends { result: PollResult }>(
  runner: CommandRunner, target: HostTarget, memory: LibvirtGuestMemory, poll: () => Promise<T>, options: LibvirtGuestsOptions = {},
): Promise<T & { libvirtFailure: LibvirtFailure | null }> {
  const outcome = await poll();
  const settings = target.libvirt;
  if (settings === undefined || outcome.result.kind !== 'sample') return { ...outcome, libvirtFailure: null };
  const result = outcome.result;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LIBVIRT_TIMEOUT_MS;
  let failure: LibvirtFailure | null = null;
  let listed: PollSuccess = result;
  try {
    const output = await runner.run(libvirtScript(settings.uri), timeoutMs);
    const measuredAt = now();
    const report = parseLibvirtOutput(output.stdout);
    if (!report.virshFound) {
      failure = { reason: 'no-virsh', message: `virsh is not installed on ${target.name} (Debian: libvirt-clients), or not on its SSH login's PATH` };
    } else if (report.error !== null) {
      // Half an answer is no listing: a guest it left out would be taken for deleted.
      failure = { reason: 'virsh-failed', message: `virsh -c ${settings.uri} on ${target.name}: ${report.error}` };
    } else {
      const guests = libvirtGuestSamples(target.name, result.sample.ts, measuredAt, report.vms, memory.counters, libvirtDriver(settings.uri));
      memory.counters = guests.counters;
      if (guests.skipped > 0) {
        options.log?.warn('libvirt domains left out', { host: target.name, skipped: guests.skipped, reason: 'a name no entry can carry, or too many domains' });
      }
      listed = { ...result, children: [...(result.children ?? []), ...guests.children] };
    }
  } catch (error) {
    const timedOut = error instanceof PollError && (error.reason === 'timeout-exec' || error.reason === 'timeout-connect');
    const message = error instanceof Error ? error.message : String(error);
    failure = timedOut
      ? { reason: 'timeout', message: `virsh on ${target.name} did not answer within ${timeoutMs} ms` }
      : { reason: 'error', message: `listing the libvirt guests of ${target.name}: ${message}` };
  }
  noteFailure(target.name, memory, failure, options.log);
  if (failure === null) return { ...outcome, result: listed, libvirtFailure: null };
  const sample = { ...result.sample, missing: [...result.sample.missing, LIBVIRT_MISSING_SECTION] };
  return { ...outcome, result: { ...result, sample }, libvirtFailure: failure };
}

function noteFailure(host: string, memory: LibvirtGuestMemory, failure: LibvirtFailure | null, log: Logger | undefined): void {
  const before = memory.failure;
  memory.failure = failure;
  if (log === undefined) return;
  if (failure === null) {
    if (before !== null) log.info('libvirt guests listed again', { host });
    return;
  }
  const fields = { host, reason: failure.reason, message: failure.message };
  if (before === null || before.reason !== failure.reason || before.message !== failure.message) log.warn('libvirt guests not listed', fields);
  else log.debug('libvirt guests not listed', fields);
}
