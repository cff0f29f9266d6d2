// A vSphere endpoint from a host's inventory variables (vigil_source: vsphere). Pure: the CA
// file is only named here, and read when connecting. Secrets are passed through but never
// quoted in an error message.
import { isAbsolute, join } from 'node:path';
import type { VsphereTls } from './vsphere-tls.ts';

export interface VsphereTarget {
  /** The inventory name of the host: the vCenter or ESXi the hypervisors and VMs are listed under. */
  name: string;
  /** The SDK endpoint: vigil_vsphere_url, or https://<ansible_host or name>/sdk. */
  url: string;
  user: string;
  /** Secret: vigil_vsphere_password (vaultable). */
  password: string;
  tls: VsphereTls;
}

/**
 * What a poll job carries for a vSphere host (HostTarget.vsphere): the target less the name it
 * already has. Secret: the password travels inside poll jobs like the SSH secrets do.
 */
export type VsphereSettings = Omit<VsphereTarget, 'name'>;

/**
 * For the inventory reader (lib/inventory/to-host-target.ts): `{ vsphere }` when vigil_source is
 * vsphere (in any case, as sourceFromVars reads it), `{}` otherwise. A bad variable goes to
 * `invalid` with its name, so that the inventory error names the file, the host and the variable.
 */
export function vsphereSettingsFromVars(
  host: string,
  vars: Record<string, unknown>,
  invalid: (variable: string, message: string) => never,
  options: VsphereTargetOptions = {},
): { vsphere?: VsphereSettings } {
  const source = vars['vigil_source'];
  if (typeof source !== 'string' || source.trim().toLowerCase() !== 'vsphere') return {};
  try {
    const { name: _name, ...settings } = vsphereTargetFromVars(host, { ...vars, vigil_source: 'vsphere' }, options);
    return { vsphere: settings };
  } catch (error) {
    if (error instanceof VsphereTargetError) return invalid(error.variable, error.message.slice(`host '${host}': ${error.variable} `.length));
    throw error;
  }
}

/** A variable of `host` with a value Vigil cannot use. */
export class VsphereTargetError extends Error {
  readonly host: string;
  readonly variable: string;
  constructor(host: string, variable: string, message: string) {
    super(`host '${host}': ${variable} ${message}`);
    this.name = 'VsphereTargetError';
    this.host = host;
    this.variable = variable;
  }
}

export interface VsphereTargetOptions {
  /** A relative vigil_vsphere_ca_file is taken relative to this directory (the inventory's). */
  inventoryDir?: string;
}

/** `vars` are the host's variables with vault values already decrypted. */
export function vsphereTargetFromVars(host: string, vars: Record<string, unknown>, options: VsphereTargetOptions = {}): VsphereTarget {
  const invalid = (variable: string, message: string): never => {
    throw new VsphereTargetError(host, variable, message);
  };

  const source = vars['vigil_source'];
  if (source !== 'vsphere') invalid('vigil_source', `must be vsphere for a vSphere target, got ${show(source)}`);

  const address = optionalString(vars, 'ansible_host', invalid) ?? host;
  const url = readUrl(optionalString(vars, 'vigil_vsphere_url', invalid) ?? `https://${hostForUrl(address)}/sdk`, invalid);

  const user = optionalString(vars, 'vigil_vsphere_user', invalid);
  if (user === null || user === '') invalid('vigil_vsphere_user', 'is required for vigil_source=vsphere');
  const password = readSecret(vars, 'vigil_vsphere_password', invalid);
  if (password === null || password === '') invalid('vigil_vsphere_password', 'is required for vigil_source=vsphere');

  const insecure = readBoolean(vars, 'vigil_vsphere_insecure', invalid);
  const caFile = optionalString(vars, 'vigil_vsphere_ca_file', invalid);
  let tls: VsphereTls = { verify: 'system' };
  if (insecure === true && caFile !== null) invalid('vigil_vsphere_insecure', 'and vigil_vsphere_ca_file contradict each other; keep one');
  if (url.protocol === 'http:') {
    // Settings that do nothing on a plain URL are most likely a typo in the URL.
    if (insecure === true) invalid('vigil_vsphere_insecure', `has no effect on the plain http URL ${url.href}`);
    if (caFile !== null) invalid('vigil_vsphere_ca_file', `has no effect on the plain http URL ${url.href}`);
  } else if (insecure === true) {
    tls = { verify: 'off' };
  } else if (caFile !== null) {
    if (caFile === '') invalid('vigil_vsphere_ca_file', 'is empty');
    const base = options.inventoryDir;
    tls = { verify: 'ca-file', caFile: isAbsolute(caFile) || base === undefined ? caFile : join(base, caFile) };
  }

  return { name: host, url: url.href, user: user as string, password: password as string, tls };
}

function readUrl(text: string, invalid: (variable: string, message: string) => never): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return invalid('vigil_vsphere_url', `is not a URL: ${show(text)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') invalid('vigil_vsphere_url', `must be an https:// (or http://) URL, got ${url.protocol}`);
  // The URL is logged and shown; credentials belong in the (vaultable) variables.
  if (url.username !== '' || url.password !== '') invalid('vigil_vsphere_url', 'must not carry a user or password; use vigil_vsphere_user and vigil_vsphere_password');
  return url;
}

function hostForUrl(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

function optionalString(vars: Record<string, unknown>, name: string, invalid: (variable: string, message: string) => never): string | null {
  const value = vars[name];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') invalid(name, `must be a string, got ${show(value)}`);
  return (value as string).trim();
}

function readSecret(vars: Record<string, unknown>, name: string, invalid: (variable: string, message: string) => never): string | null {
  const value = vars[name];
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return String(value);
  // The message names the type, never the value.
  if (typeof value !== 'string') invalid(name, `must be a string, got a ${Array.isArray(value) ? 'list' : typeof value}`);
  return value as string;
}

function readBoolean(vars: Record<string, unknown>, name: string, invalid: (variable: string, message: string) => never): boolean | null {
  const value = vars[name];
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (['true', 'yes', 'on', 'y', '1'].includes(word)) return true;
    if (['false', 'no', 'off', 'n', '0'].includes(word)) return false;
  }
  return invalid(name, `must be true or false, got ${show(value)}`);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  return typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'a list' : typeof value === 'object' && value !== null ? 'a mapping' : String(value);
}
