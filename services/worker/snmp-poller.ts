// The worker's SNMP hosts (vigil_source: snmp): one net-snmp session per host kept across polls
// (SNMPv3 then discovers the agent's engine once, not on every poll), and each host's last good
// report, from which the next poll's interface rates, pages per day and reboot check are taken.
// A host not polled for `idleMs`, or three of its intervals if longer (it left the inventory, or
// another worker has it now), loses both.
import type { Sample } from '../../lib/collect/sample.ts';
import type { FailureReason, PollJob, PollResult } from '../../lib/poll/poll-messages.ts';
import { DEFAULT_SNMP_MAX_REPETITIONS, DEFAULT_SNMP_RETRIES, DEFAULT_SNMP_TIMEOUT_MS, pollSnmpSession } from '../../lib/snmp/poll-snmp.ts';
import type { SnmpPollResult } from '../../lib/snmp/poll-snmp.ts';
import type { SnmpFailureReason } from '../../lib/snmp/snmp-failure.ts';
import { snmpSample } from '../../lib/snmp/snmp-sample.ts';
import type { SnmpReading } from '../../lib/snmp/snmp-sample.ts';
import { openSnmpSession } from '../../lib/snmp/snmp-session.ts';
import type { OpenSnmpSession } from '../../lib/snmp/snmp-session.ts';
import type { SnmpTarget } from '../../lib/snmp/snmp-target.ts';
import { IdleHostEntries } from './idle-host-entries.ts';
import type { IdleHostEntry } from './idle-host-entries.ts';

export interface SnmpPollerOptions {
  /** Milliseconds to wait for each answer; default 2000. */
  timeoutMs?: number;
  /** Resends of an unanswered request; default 1. */
  retries?: number;
  maxRepetitions?: number;
  /** A host unpolled this long (or three of its intervals, if longer) loses its session and previous report; default 15 minutes. */
  idleMs?: number;
  now?: () => number;
}

/** `key`: the target as JSON, so another address, port, profile or credential starts the host afresh. */
interface HostEntry extends IdleHostEntry {
  open: OpenSnmpSession | null;
  previous: SnmpReading | undefined;
}

const DEFAULT_IDLE_MS = 15 * 60_000;

export class SnmpPoller {
  /** Sessions opened since the start: with reuse, about one per host (plus one after each failure). */
  sessionsOpened = 0;
  readonly #hosts: IdleHostEntries<HostEntry>;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #maxRepetitions: number;
  readonly #now: () => number;
  #closed = false;

  constructor(options: SnmpPollerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_SNMP_TIMEOUT_MS;
    this.#retries = options.retries ?? DEFAULT_SNMP_RETRIES;
    this.#maxRepetitions = options.maxRepetitions ?? DEFAULT_SNMP_MAX_REPETITIONS;
    this.#now = options.now ?? Date.now;
    this.#hosts = new IdleHostEntries(options.idleMs ?? DEFAULT_IDLE_MS, closeSession, this.#now());
  }

  /** Hosts with a session open now. */
  get openSessions(): number {
    let count = 0;
    for (const entry of this.#hosts.values()) if (entry.open !== null) count++;
    return count;
  }

  /** One poll of an SNMP host into a result; never throws. The worker polls a host once at a time. */
  async poll(job: PollJob): Promise<PollResult> {
    const host = job.target.name;
    const startedAt = this.#now();
    const base = { host, seq: job.seq, scheduledAt: job.scheduledAt, startedAt };
    const settings = job.target.snmp;
    if (this.#closed || settings === undefined) {
      const message = this.#closed
        ? `host '${host}': the worker is stopping`
        : `host '${host}': the poll job carries no SNMP settings (a scheduler older than this worker?)`;
      return { ...base, finishedAt: this.#now(), kind: 'failure', reason: 'error', message };
    }
    const target: SnmpTarget = { name: host, address: job.target.address, ...settings };
    // Counters of another agent (or the same one under other settings) are not comparable: a new key starts afresh.
    const entry = this.#hosts.entry(host, JSON.stringify(target), job.target.intervalSec, startedAt, (base) => ({ ...base, open: null, previous: undefined }));

    // An agent that restarted (new SNMPv3 engine boots or ID) answers a kept session's request
    // with a report, on which net-snmp discovers the engine again and resends: no new session needed.
    const polled = await this.#pollOnce(entry, target);
    const finishedAt = this.#now();
    entry.lastUsedAt = finishedAt;
    if (polled.kind === 'failure') {
      // A new session next time: a timed-out or refused one has nothing worth keeping.
      closeSession(entry);
      return { ...base, finishedAt, kind: 'failure', reason: failureReason(polled.reason, polled.answered), message: `host '${host}': ${polled.message}` };
    }
    const reading: SnmpReading = { report: polled.report, polledAt: finishedAt };
    const sample: Sample = snmpSample(host, reading, entry.previous);
    entry.previous = reading;
    return { ...base, finishedAt, kind: 'sample', sample };
  }

  /** Closes every session; later polls fail. */
  close(): void {
    this.#closed = true;
    this.#hosts.clear();
  }

  async #pollOnce(entry: HostEntry, target: SnmpTarget): Promise<SnmpPollResult> {
    if (entry.open === null) {
      entry.open = openSnmpSession(target, { timeoutMs: this.#timeoutMs, retries: this.#retries });
      this.sessionsOpened++;
    }
    return pollSnmpSession(entry.open, target, { timeoutMs: this.#timeoutMs, retries: this.#retries, maxRepetitions: this.#maxRepetitions, now: this.#now });
  }
}

function closeSession(entry: HostEntry): void {
  entry.open?.session.close();
  entry.open = null;
}

/**
 * The pipeline's stable reason for an SNMP failure. SNMP runs over UDP, so "no answer" is the
 * nearest thing to a failed connection: timeout-connect (which host_down counts), unless the
 * agent answered this poll's first request and then went quiet in the walk (timeout-exec, as an
 * SSH host that connects but does not finish the script).
 */
export function failureReason(reason: SnmpFailureReason, answered: boolean): FailureReason {
  switch (reason) {
    case 'timeout':
      return answered ? 'timeout-exec' : 'timeout-connect';
    case 'auth-failed':
    case 'refused':
    case 'unreachable':
    case 'dns':
    case 'protocol':
    case 'error':
      return reason;
  }
}
