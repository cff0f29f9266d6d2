// The worker's vSphere hosts (vigil_source: vsphere): one logged-in session per inventory host
// kept across polls, so each poll is one RetrievePropertiesEx on a container view instead of a
// login, a view and a logout (vCenter logs every login and caps sessions). A session the server
// dropped meanwhile (NotAuthenticated: it expired, or vCenter restarted; see SESSION_GONE) is replaced by one new
// login and the poll retried once; any other failure drops the session. A host not polled for
// `idleMs`, or three of its intervals if longer, is logged out.
import type { FailureReason, PollJob, PollResult } from '../../lib/poll/poll-messages.ts';
import { DEFAULT_VSPHERE_TIMEOUT_MS } from '../../lib/vsphere/poll-vsphere.ts';
import { VsphereError } from '../../lib/vsphere/vsphere-failure.ts';
import type { VsphereFailureReason } from '../../lib/vsphere/vsphere-failure.ts';
import type { VsphereInventory } from '../../lib/vsphere/vsphere-inventory.ts';
import { vsphereSamples } from '../../lib/vsphere/vsphere-sample.ts';
import { VsphereSession } from '../../lib/vsphere/vsphere-session.ts';
import type { VsphereSettings } from '../../lib/vsphere/vsphere-target.ts';
import { IdleHostEntries } from './idle-host-entries.ts';
import type { IdleHostEntry } from './idle-host-entries.ts';

export interface VspherePollerOptions {
  /** Deadline of each call to the server; default 15 s. */
  timeoutMs?: number;
  /** A host unpolled this long (or three of its intervals, if longer) is logged out; default 15 minutes. */
  idleMs?: number;
  now?: () => number;
}

/** `key`: the settings as JSON, so another URL, user, password or TLS choice logs in afresh. */
interface HostEntry extends IdleHostEntry {
  session: VsphereSession | null;
}

const DEFAULT_IDLE_MS = 15 * 60_000;
/**
 * Faults that mean the kept session (or its container view, which lives and dies with the session)
 * is gone: NotAuthenticated after an expiry or a vCenter restart; ManagedObjectNotFound for the view
 * when the session was terminated (govmomi's simulator answers a terminated session's cookie so).
 */
const SESSION_GONE: ReadonlySet<string> = new Set(['NotAuthenticated', 'ManagedObjectNotFound']);

export class VspherePoller {
  /** Logins since the start: with reuse, about one per host (plus one after each failure or expiry). */
  logins = 0;
  readonly #hosts: IdleHostEntries<HostEntry>;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  /** Logouts under way (idle sweeps, dropped sessions): close() waits for them. */
  readonly #closing = new Set<Promise<void>>();
  #closed = false;

  constructor(options: VspherePollerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_VSPHERE_TIMEOUT_MS;
    this.#now = options.now ?? Date.now;
    this.#hosts = new IdleHostEntries(options.idleMs ?? DEFAULT_IDLE_MS, (entry) => this.#drop(entry), this.#now());
  }

  /** Hosts with a session open now. */
  get openSessions(): number {
    let count = 0;
    for (const entry of this.#hosts.values()) if (entry.session !== null) count++;
    return count;
  }

  /** One poll of a vSphere host into a result (the host's sample, its hypervisors and VMs as children); never throws. */
  async poll(job: PollJob): Promise<PollResult> {
    const host = job.target.name;
    const startedAt = this.#now();
    const base = { host, seq: job.seq, scheduledAt: job.scheduledAt, startedAt };
    const settings = job.target.vsphere;
    if (this.#closed || settings === undefined) {
      const message = this.#closed
        ? `host '${host}': the worker is stopping`
        : `host '${host}': the poll job carries no vSphere settings (a scheduler older than this worker?)`;
      return { ...base, finishedAt: this.#now(), kind: 'failure', reason: 'error', message };
    }
    const entry = this.#hosts.entry(host, JSON.stringify(settings), job.target.intervalSec, startedAt, (base) => ({ ...base, session: null }));
    try {
      const { about, inventory } = await this.#inventory(entry, settings);
      const finishedAt = this.#now();
      entry.lastUsedAt = finishedAt;
      const { sample, children } = vsphereSamples(host, finishedAt, about, inventory);
      return { ...base, finishedAt, kind: 'sample', sample, children };
    } catch (error) {
      this.#drop(entry);
      entry.lastUsedAt = this.#now();
      if (!(error instanceof VsphereError)) throw error;
      return { ...base, finishedAt: this.#now(), kind: 'failure', reason: failureReason(error.reason), message: `host '${host}': ${error.message}` };
    }
  }

  /** Logs every session out (best effort, bounded by the call timeout); later polls fail. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#hosts.clear();
    await Promise.all([...this.#closing]);
  }

  async #inventory(entry: HostEntry, settings: VsphereSettings): Promise<{ about: string; inventory: VsphereInventory }> {
    const reused = entry.session !== null;
    try {
      const session = await this.#session(entry, settings);
      return { about: session.serviceContent.about.fullName, inventory: await session.inventory() };
    } catch (error) {
      // Only a kept session can have expired; a fresh login refused is a wrong password.
      if (!reused || !(error instanceof VsphereError) || !SESSION_GONE.has(error.faultType ?? '')) throw error;
      this.#drop(entry);
      const session = await this.#session(entry, settings);
      return { about: session.serviceContent.about.fullName, inventory: await session.inventory() };
    }
  }

  async #session(entry: HostEntry, settings: VsphereSettings): Promise<VsphereSession> {
    if (entry.session === null) {
      this.logins++;
      entry.session = await VsphereSession.open(
        { url: settings.url, tls: settings.tls, timeoutMs: this.#timeoutMs },
        { user: settings.user, password: settings.password },
      );
    }
    return entry.session;
  }

  /** Logs out in the background: the poll's result does not wait on a server that may be the trouble. */
  #drop(entry: HostEntry): void {
    const session = entry.session;
    entry.session = null;
    if (session === null) return;
    const closing = session.close().finally(() => this.#closing.delete(closing));
    this.#closing.add(closing);
  }
}

/** The pipeline's stable reason for a vSphere failure, in the SSH source's words where the meaning is the same. */
export function failureReason(reason: VsphereFailureReason): FailureReason {
  switch (reason) {
    case 'timeout':
      // No complete answer in time, connecting or later: host_down counts it like a connect timeout.
      return 'timeout-connect';
    case 'tls':
      return 'protocol';
    case 'fault':
      return 'error';
    case 'refused':
    case 'auth-failed':
    case 'protocol':
    case 'dns':
    case 'unreachable':
      return reason;
  }
}
