// From Ansible's view of a host to what a worker needs to poll it. The INI reader keeps values
// as the strings written, so numbers and booleans are read here from either a string or a
// native value; a later reader that types values as Ansible does needs no change here.
import { stat } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ConnectionKind, HostTarget } from '../poll/host-target.ts';
import { readProcessPatterns } from '../collect/process-patterns.ts';
import { readProcessesEvery } from '../collect/processes-every.ts';
import { sourceFromVars } from '../collect/source-from-vars.ts';
import { sshOptionsFromVars } from '../poll/ssh-options-from-vars.ts';
import { snmpSettingsFromVars } from '../snmp/snmp-target.ts';
import { vsphereSettingsFromVars } from '../vsphere/vsphere-target.ts';
import { hostAlertingFromVars } from '../alerting/host-alerting-from-vars.ts';
import { CHECKS_VARIABLE, parseCheckSpecs } from '../checks/parse-check-specs.ts';
import type { CheckSpec } from '../checks/check-spec.ts';
import { libvirtSettingsFromVars } from '../libvirt/libvirt-target.ts';
import { hostParentProblems } from './check-host-parents.ts';
import { readAnsibleConfig } from './ansible-config.ts';
import { renderConnectionVariables } from './render-host-template.ts';
import type { AnsibleConfig } from './ansible-config.ts';
import { InventoryError } from './inventory.ts';
import type { Inventory, InventoryHost } from './inventory.ts';
import { EncryptedString } from './python-values.ts';
import { readInventory } from './read-inventory.ts';

export interface HostTargetOptions {
  /** Relative private key paths are taken relative to this directory. */
  inventoryDir: string;
  /** The user when the inventory sets no ansible_user (Ansible's default: the local user). */
  defaultUser: string;
  /** The inventory file, to name in errors; defaults to inventoryDir. */
  source?: string;
  /** Ansible's configuration (ansible.cfg, ANSIBLE_*): the connection settings a host's variables leave out. */
  ansible?: AnsibleConfig;
  /** What lookup('env', …) in a variable reads; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** A host variable with a value Vigil cannot use. */
export class HostTargetError extends InventoryError {
  readonly host: string;
  readonly variable: string;
  constructor(file: string, host: string, variable: string, message: string) {
    super(file, null, `host '${host}': ${variable} ${message}`);
    this.name = 'HostTargetError';
    this.host = host;
    this.variable = variable;
  }
}

export const DEFAULT_INTERVAL_SEC = 10;

const CONNECTIONS: Record<string, ConnectionKind> = {
  ssh: 'ssh',
  paramiko: 'ssh',
  paramiko_ssh: 'ssh',
  smart: 'ssh',
  local: 'local',
  'ansible.builtin.ssh': 'ssh',
  'ansible.builtin.paramiko_ssh': 'ssh',
  'ansible.builtin.local': 'local',
};

/** The poll target of one inventory host, or null when the host opts out with vigil_enabled=false. */
export function toHostTarget(host: InventoryHost, options: HostTargetOptions): HostTarget | null {
  const invalid = (variable: string, message: string): never => {
    throw new HostTargetError(options.source ?? options.inventoryDir, host.name, variable, message);
  };
  // Ansible's typed values (vault, unsafe text, whole floats) as plain strings and numbers, with
  // the Jinja2 of the variables Vigil reads rendered as Ansible renders it when it connects.
  const plain = renderConnectionVariables(host, options.env ?? process.env, invalid);
  const vars = withConnectionDefaults(plain, options.ansible);

  if (!readBoolean(vars['vigil_enabled'], true, (message) => invalid('vigil_enabled', message))) return null;

  const connectionName = readString(vars['ansible_connection'], 'ssh', (message) => invalid('ansible_connection', message));
  const connection = CONNECTIONS[connectionName];
  // A mixed inventory (Windows over winrm, switches over network_cli) is common: say how to keep those hosts out.
  if (!connection) invalid('ansible_connection', `'${connectionName}' is not supported (use ssh or local; to leave such hosts unpolled, set vigil_enabled: false on them, e.g. in their group's group_vars)`);

  // The old ansible_ssh_* names, still in many inventories, win over the new ones as in Ansible's ssh plugin.
  const hostVariable = vars['ansible_ssh_host'] !== undefined ? 'ansible_ssh_host' : 'ansible_host';
  const portVariable = vars['ansible_ssh_port'] !== undefined ? 'ansible_ssh_port' : 'ansible_port';
  const userVariable = vars['ansible_ssh_user'] !== undefined ? 'ansible_ssh_user' : 'ansible_user';
  const address = readString(vars[hostVariable], host.name, (message) => invalid(hostVariable, message));
  // What reads ansible_host further on (SNMP, vSphere, node_exporter's URL) gets the same address.
  if (hostVariable === 'ansible_ssh_host') vars['ansible_host'] = address;
  const port = readNumber(vars[portVariable], 22, (message) => invalid(portVariable, message));
  if (!Number.isInteger(port) || port < 1 || port > 65535) invalid(portVariable, `must be an integer 1..65535, got ${show(vars[portVariable])}`);
  const user = readString(vars[userVariable], options.defaultUser, (message) => invalid(userVariable, message));
  const intervalSec = readNumber(vars['vigil_interval'], DEFAULT_INTERVAL_SEC, (message) => invalid('vigil_interval', message));
  // Whole seconds: the hosts table stores the interval as an integer.
  if (!Number.isInteger(intervalSec) || intervalSec < 1) {
    invalid('vigil_interval', `must be a whole number of seconds, at least 1, got ${show(vars['vigil_interval'])}`);
  }

  // Both names are Ansible's; the ssh_ one wins when both are set, as in its ssh plugin.
  const keyVariable = vars['ansible_ssh_private_key_file'] !== undefined ? 'ansible_ssh_private_key_file' : 'ansible_private_key_file';
  const keyFile = readString(vars[keyVariable], '', (message) => invalid(keyVariable, message));
  const privateKeyFile = keyFile === '' ? null : resolveKeyPath(keyFile, options.inventoryDir, (message) => invalid(keyVariable, message));

  return {
    name: host.name,
    connection: connection as ConnectionKind,
    address,
    port,
    user,
    privateKeyFile,
    intervalSec,
    groups: [...host.groups],
    // Only when set, so that targets without them compare equal to those built before they existed.
    ...(vars['vigil_processes'] != null && { processPatterns: readProcessPatterns(vars['vigil_processes'], (message) => invalid('vigil_processes', message)) }),
    ...(vars['vigil_processes_every'] != null && {
      processesEverySec: readProcessesEvery(vars['vigil_processes_every'], (message) => invalid('vigil_processes_every', message)),
    }),
    ...(vars['vigil_filesystems_include_pseudo'] != null && {
      includePseudoFilesystems: readBoolean(vars['vigil_filesystems_include_pseudo'], false, (message) => invalid('vigil_filesystems_include_pseudo', message)),
    }),
    ...sourceFromVars(vars, address, invalid),
    ...(vars[CHECKS_VARIABLE] != null && { checks: readChecks(host.name, vars[CHECKS_VARIABLE], (message) => invalid(CHECKS_VARIABLE, message)) }),
    ...snmpSettingsFromVars(vars, invalid),
    ...vsphereSettingsFromVars(host.name, vars, invalid, { inventoryDir: options.inventoryDir }),
    ...libvirtSettingsFromVars(vars, invalid),
    ...sshOptionsFromVars(vars, invalid),
    ...hostAlertingFromVars(vars, invalid),
  };
}

export interface LoadHostTargetsOptions {
  /** Decrypts vaulted values and files; without it a vaulted connection variable is an error. */
  vaultPassword?: string | undefined;
  /** How long each run of an inventory script may take; default readInventory's. */
  scriptTimeoutMs?: number | undefined;
  /** Reads the inventory; default readInventory (tests give their own). */
  read?: (path: string, options: { vaultPassword?: string | undefined; scriptTimeoutMs?: number | undefined }) => Promise<Inventory>;
  /** Ansible's configuration; default: read now from ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg or /etc/ansible/ansible.cfg. */
  ansible?: AnsibleConfig;
}

/**
 * Reads the inventory and converts every enabled host. Throws InventoryError on a bad file,
 * a bad variable or two hosts of the same name (which a merging reader never returns, but a
 * reader over several sources could).
 */
export async function loadHostTargets(path: string, options: LoadHostTargetsOptions = {}): Promise<HostTarget[]> {
  const read = options.read ?? readInventory;
  // Read at every load, as the inventory is: an edited ansible.cfg applies with the next reload.
  const ansible = options.ansible ?? readAnsibleConfig();
  const inventory = await read(path, { vaultPassword: options.vaultPassword, scriptTimeoutMs: options.scriptTimeoutMs });
  const isDirectory = await stat(path).then((s) => s.isDirectory(), () => false);
  const hostOptions: HostTargetOptions = {
    inventoryDir: resolve(isDirectory ? path : dirname(path)),
    defaultUser: localUser(),
    source: inventory.source,
    ansible,
  };
  const targets: HostTarget[] = [];
  const seen = new Set<string>();
  const disabled = new Set<string>();
  for (const host of inventory.hosts) {
    if (seen.has(host.name)) throw new InventoryError(inventory.source, null, `host '${host.name}' appears twice`);
    seen.add(host.name);
    const target = toHostTarget(host, hostOptions);
    if (target) targets.push(target);
    else disabled.add(host.name);
  }
  const parentProblems = hostParentProblems(targets, disabled);
  if (parentProblems.length > 0) throw new InventoryError(inventory.source, null, parentProblems.join('; '));
  return targets;
}

/**
 * vigil_checks as check specs. Every problem of the list is reported in the one error, each with the
 * index of its entry: "host 'web1': vigil_checks [2]: timeout must be …; [4]: …".
 */
function readChecks(host: string, value: unknown, invalid: (message: string) => never): CheckSpec[] {
  const parsed = parseCheckSpecs(host, value);
  if (parsed.ok) return parsed.specs;
  return invalid(parsed.errors.map((error) => (error.index === null ? error.problem : `[${error.index}]: ${error.problem}`)).join('; '));
}

/** ansible.cfg's remote_user, remote_port, private_key_file and ssh_common_args where the host's own variables say nothing. */
function withConnectionDefaults(vars: Record<string, unknown>, ansible: AnsibleConfig | undefined): Record<string, unknown> {
  if (!ansible) return vars;
  const out = { ...vars };
  if (out['ansible_user'] === undefined && out['ansible_ssh_user'] === undefined && ansible.remoteUser !== undefined) out['ansible_user'] = ansible.remoteUser;
  if (out['ansible_port'] === undefined && out['ansible_ssh_port'] === undefined && ansible.remotePort !== undefined) out['ansible_port'] = ansible.remotePort;
  if (out['ansible_ssh_private_key_file'] === undefined && out['ansible_private_key_file'] === undefined && ansible.privateKeyFile !== undefined) {
    out['ansible_ssh_private_key_file'] = ansible.privateKeyFile;
  }
  if (out['ansible_ssh_common_args'] === undefined && ansible.sshCommonArgs !== undefined) out['ansible_ssh_common_args'] = ansible.sshCommonArgs;
  return out;
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo throws when the uid has no passwd entry (some containers).
    return process.env['USER'] ?? process.env['LOGNAME'] ?? 'root';
  }
}

function resolveKeyPath(path: string, inventoryDir: string, invalid: (message: string) => never): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  if (path.startsWith('~')) invalid(`'${path}': ~user paths are not supported, use an absolute path`);
  return isAbsolute(path) ? path : resolve(inventoryDir, path);
}

function readString(value: unknown, fallback: string, invalid: (message: string) => never): string {
  if (value === undefined || value === null) return fallback;
  if (value instanceof EncryptedString) return invalid('is vault-encrypted and no vault password was given');
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return invalid(`must be a string, got ${show(value)}`);
  const trimmed = value.trim();
  if (trimmed === '') return invalid('must not be empty');
  return trimmed;
}

function readNumber(value: unknown, fallback: number, invalid: (message: string) => never): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return invalid(`must be a number, got ${show(value)}`);
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', 'n', '0']);

// Ansible's boolean filter accepts these words in any case.
function readBoolean(value: unknown, fallback: boolean, invalid: (message: string) => never): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return invalid(`must be true or false, got ${show(value)}`);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
