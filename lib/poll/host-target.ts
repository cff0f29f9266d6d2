// What a worker needs to know to poll one host. Built from the inventory by the scheduler
// and carried inside each poll job, so workers need no inventory of their own.
import type { HostAlerting } from '../alerting/alerts-config.ts';
import type { PollSource } from '../collect/source-from-vars.ts';
import type { CheckSpec } from '../checks/check-spec.ts';
import type { LibvirtSettings } from '../libvirt/libvirt-target.ts';
import type { SnmpSettings } from '../snmp/snmp-target.ts';
import type { VsphereSettings } from '../vsphere/vsphere-target.ts';

export type ConnectionKind = 'ssh' | 'local';

/** strict: only keys in known_hosts; accept-new: pin a new host's key on first contact; off: no check. */
export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

/** One ProxyJump hop, outermost first. */
export interface JumpHost {
  address: string;
  port: number;
  /** Null: the user the worker runs as, as ssh does for a hop without `user@`. */
  user: string | null;
}

export interface HostTarget {
  /** The inventory name of the host: the identity under which its samples are stored. */
  name: string;
  connection: ConnectionKind;
  /** ansible_host, or the inventory name. */
  address: string;
  port: number;
  user: string;
  privateKeyFile: string | null;
  // The three secrets below travel inside poll jobs; never log them or put them in a result.
  /** Secret: ansible_password / ansible_ssh_pass. */
  password?: string | null;
  /** Secret: key material itself (ansible_ssh_private_key), instead of a file. */
  privateKey?: string | null;
  /** Secret: passphrase of the private key, file or inline (ansible_ssh_private_key_passphrase). */
  privateKeyPassphrase?: string | null;
  /** Bastions to hop through (ProxyJump in ansible_ssh_common_args); empty or absent: direct. */
  jumpHosts?: JumpHost[];
  /** From ansible_host_key_checking or StrictHostKeyChecking; absent: the worker's VIGIL_HOST_KEY_CHECKING. */
  hostKeyChecking?: HostKeyChecking | null;
  intervalSec: number;
  groups: string[];
  /** vigil_thresholds and vigil_down_after, for the rule evaluator; absent: the rules as alerts.yml says. */
  alerting?: HostAlerting;
  /** vigil_processes: extended regexes counted against each process's command line (pgrep -f). */
  processPatterns?: string[];
  /** vigil_processes_every: seconds between full polls (processes, facts, failed units); absent: about a minute. */
  processesEverySec?: number;
  /** vigil_filesystems_include_pseudo: keep tmpfs, overlay, squashfs… in the filesystem list. */
  includePseudoFilesystems?: boolean;
  /** vigil_source; absent: ssh. node_exporter scrapes nodeExporterUrl and falls back to SSH for a poll it misses. */
  source?: PollSource;
  /** vigil_node_exporter_url, or http://<address>:9100/metrics; set only with source node_exporter. */
  nodeExporterUrl?: string;
  /**
   * vigil_snmp_*: port, profile and security, set only with source snmp (lib/snmp/snmp-target.ts).
   * Secret: the community and the SNMPv3 keys travel inside poll jobs like the SSH secrets above.
   */
  snmp?: SnmpSettings;
  /**
   * vigil_vsphere_*: the SDK URL, user, TLS choice, set only with source vsphere
   * (lib/vsphere/vsphere-target.ts). Secret: the password travels inside poll jobs like the SSH secrets above.
   */
  vsphere?: VsphereSettings;
  /** vigil_checks: service checks the worker runs with each poll (HTTP/TCP from the worker, systemd over SSH); absent: none. */
  checks?: CheckSpec[];
  /** vigil_libvirt: list the host's libvirt guests (virsh over its SSH connection) after each poll; absent: off. */
  libvirt?: LibvirtSettings;
}

/** A stable string of everything that affects the connection: a change means reconnect. */
export function connectionKey(target: HostTarget): string {
  return JSON.stringify([
    target.connection, target.address, target.port, target.user, target.privateKeyFile,
    target.jumpHosts ?? [], target.hostKeyChecking ?? null,
  ]);
}
