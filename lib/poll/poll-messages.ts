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
  /**
   * Entries of their own that this poll observed through the host (vigil_source: vsphere: every
   * hypervisor and VM of the vCenter/ESXi, lib/vsphere/vsphere-sample.ts; vigil_libvirt: every
   * libvirt domain of a KVM host, lib/libvirt/libvirt-guest-samples.ts). Each is stored as a
   * host named `<host>/<name>` whose parent is this host, and evaluated like a host. Absent: none.
   * Carried beside the sample, not inside it, because they are other rows of `hosts`.
   */
  children?: PollChild[];
}

/** One entry seen through its parent's poll. */
export interface PollChild {
  /** sample.host is the entry's name, `<parent>/<name>`; its ts is the parent sample's. */
  sample: Sample;
  kind: 'hypervisor' | 'vm';
  /** As the parent says it: vSphere's poweredOn, poweredOff, suspended, standBy, unknown; virsh's running, paused, shut off… */
  powerState: string;
  /** The entry running this one (a VM's hypervisor, as `<parent>/<name>`); null: none or unknown. */
  runsOn: string | null;
  /** Its own address when known (a VM's guest IP from VMware Tools); null otherwise. */
  address: string | null;
  /**
   * Set when the parent reports the entry not running (a VM powered off or suspended, a hypervisor in
   * standby or disconnected): the writer shows it down for this reason. It is no poll failure (the
   * parent answered for it), so host_down does not fire for a VM someone switched off on purpose.
   */
  down?: { reason: string; message: string };
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
