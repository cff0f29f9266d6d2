// `vigil_libvirt` and `vigil_libvirt_uri`: a hypervisor whose libvirt guests (KVM/QEMU VMs) Vigil
// lists over the host's own SSH connection, each becoming an entry of its own under the host. Pure:
// the caller has read (and decrypted) the variables; `invalid` names the host and must throw.
import { DEFAULT_LIBVIRT_URI, isLibvirtUri } from '../checks/libvirt-script.ts';
import { parseAnsibleBoolean } from '../inventory/ansible-boolean.ts';

export const LIBVIRT_VARIABLE = 'vigil_libvirt';
export const LIBVIRT_URI_VARIABLE = 'vigil_libvirt_uri';

/** What a poll job carries for a host with vigil_libvirt on (HostTarget.libvirt). */
export interface LibvirtSettings {
  /** virsh's -c: vigil_libvirt_uri, or qemu:///system. */
  uri: string;
}

/** The sources whose hosts Vigil reaches over SSH, where virsh can run. */
const SSH_SOURCES: ReadonlySet<string> = new Set(['ssh', 'node_exporter']);

/**
 * `{ libvirt }` when vigil_libvirt is true, else `{}` (other hosts keep the plain HostTarget shape,
 * which the scheduler compares). The URI is checked even while vigil_libvirt is off, so that a typo
 * does not wait to surface until someone turns it on.
 */
export function libvirtSettingsFromVars(
  vars: Record<string, unknown>,
  invalid: (variable: string, message: string) => never,
): { libvirt?: LibvirtSettings } {
  const rawEnabled = vars[LIBVIRT_VARIABLE];
  const rawUri = vars[LIBVIRT_URI_VARIABLE];
  if (rawEnabled == null && rawUri == null) return {};
  const uri = rawUri == null ? DEFAULT_LIBVIRT_URI : readUri(rawUri, invalid);
  const enabled = rawEnabled == null ? false : parseAnsibleBoolean(rawEnabled);
  if (enabled === null) return invalid(LIBVIRT_VARIABLE, `must be true or false, got ${show(rawEnabled)}`);
  if (!enabled) return {};
  const source = typeof vars['vigil_source'] === 'string' ? vars['vigil_source'].trim().toLowerCase() : 'ssh';
  if (!SSH_SOURCES.has(source)) {
    return invalid(LIBVIRT_VARIABLE, `lists VMs with virsh over the host's SSH connection, which a host with vigil_source ${source} does not use`);
  }
  return { libvirt: { uri } };
}

function readUri(value: unknown, invalid: (variable: string, message: string) => never): string {
  if (typeof value !== 'string') return invalid(LIBVIRT_URI_VARIABLE, `must be a libvirt URI such as ${DEFAULT_LIBVIRT_URI}, got ${show(value)}`);
  const uri = value.trim();
  if (!isLibvirtUri(uri)) {
    return invalid(
      LIBVIRT_URI_VARIABLE,
      `must be a libvirt URI such as ${DEFAULT_LIBVIRT_URI} or qemu+ssh://user@kvm1/system (driver[+transport]://[user@][host]/path, no spaces, quotes or shell characters), got ${show(value)}`,
    );
  }
  return uri;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
