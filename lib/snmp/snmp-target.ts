// An SNMP host as the inventory describes it: `vigil_source: snmp` and the vigil_snmp_* variables.
// Pure: the caller has read (and, for vaulted secrets, decrypted) the variables already. Errors name
// the host, the variable and the problem, never a secret's value.
import { EncryptedString, plainValue } from '../inventory/python-values.ts';

export const SNMP_VERSIONS = ['2c', '3'] as const;
export type SnmpVersion = (typeof SNMP_VERSIONS)[number];

// The protocols net-snmp 3.29 implements (its AuthProtocols and PrivProtocols).
export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type SnmpAuthProtocol = (typeof SNMP_AUTH_PROTOCOLS)[number];
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;
export type SnmpPrivProtocol = (typeof SNMP_PRIV_PROTOCOLS)[number];

export const SNMP_PROFILES = ['device', 'printer'] as const;
export type SnmpProfile = (typeof SNMP_PROFILES)[number];

export const DEFAULT_SNMP_PORT = 161;
// What printers and switches ship with; a host that uses another sets vigil_snmp_community.
export const DEFAULT_SNMP_COMMUNITY = 'public';
// RFC 3414 §11.2: a USM password shorter than 8 characters is refused (snmpd and net-snmp agree).
const MIN_USM_KEY_LENGTH = 8;

export type SnmpSecurity =
  | { version: '2c'; community: string }
  | {
      version: '3';
      user: string;
      level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
      authProtocol?: SnmpAuthProtocol;
      authKey?: string;
      privProtocol?: SnmpPrivProtocol;
      privKey?: string;
    };

export interface SnmpTarget {
  /** The inventory name. */
  name: string;
  /** ansible_host, or the inventory name. */
  address: string;
  port: number;
  profile: SnmpProfile;
  security: SnmpSecurity;
}

/** An SNMP variable with a value Vigil cannot use. */
export class SnmpTargetError extends Error {
  readonly host: string;
  readonly variable: string;
  constructor(host: string, variable: string, message: string) {
    super(`host '${host}': ${variable} ${message}`);
    this.name = 'SnmpTargetError';
    this.host = host;
    this.variable = variable;
  }
}

/** What a poll job carries for an SNMP host (HostTarget.snmp): the target less the name and address it already has. */
export type SnmpSettings = Omit<SnmpTarget, 'name' | 'address'>;

/** The SNMP target of a host whose vigil_source is snmp; null for any other source. */
export function snmpTargetFromVars(host: string, vars: Record<string, unknown>): SnmpTarget | null {
  const invalid = (variable: string, message: string): never => {
    throw new SnmpTargetError(host, variable, message);
  };
  const source = readOptionalString(vars, 'vigil_source', invalid);
  if (source === undefined || source.toLowerCase() !== 'snmp') return null;

  const address = readOptionalString(vars, 'ansible_host', invalid) ?? host;
  return { name: host, address, ...readSettings(vars, invalid) };
}

/**
 * For the inventory reader (lib/inventory/to-host-target.ts): `{ snmp }` when vigil_source is snmp,
 * else nothing, so that other hosts keep the plain HostTarget shape. `invalid` names the host and
 * must throw.
 */
export function snmpSettingsFromVars(vars: Record<string, unknown>, invalid: Invalid): { snmp?: SnmpSettings } {
  const source = plainValue(vars['vigil_source']);
  if (typeof source !== 'string' || source.trim().toLowerCase() !== 'snmp') return {};
  return { snmp: readSettings(vars, invalid) };
}

function readSettings(vars: Record<string, unknown>, invalid: Invalid): SnmpSettings {
  const port = readPort(vars, invalid);
  const profile = readChoice(vars, 'vigil_snmp_profile', SNMP_PROFILES, invalid) ?? 'device';
  const version = readChoice(vars, 'vigil_snmp_version', SNMP_VERSIONS, invalid) ?? '2c';
  const security = version === '2c' ? readV2cSecurity(vars, invalid) : readV3Security(vars, invalid);
  return { port, profile, security };
}

/** Called with the variable at fault and what is wrong with it; must throw. */
export type Invalid = (variable: string, message: string) => never;

function readV2cSecurity(vars: Record<string, unknown>, invalid: Invalid): SnmpSecurity {
  for (const variable of ['vigil_snmp_user', 'vigil_snmp_auth_protocol', 'vigil_snmp_auth_key', 'vigil_snmp_priv_protocol', 'vigil_snmp_priv_key']) {
    // Silently ignoring them would poll without the security the operator asked for.
    if (vars[variable] != null) invalid(variable, 'is an SNMPv3 setting: set vigil_snmp_version to 3, or remove it');
  }
  const community = readOptionalString(vars, 'vigil_snmp_community', invalid, { secret: true }) ?? DEFAULT_SNMP_COMMUNITY;
  return { version: '2c', community };
}

function readV3Security(vars: Record<string, unknown>, invalid: Invalid): SnmpSecurity {
  if (vars['vigil_snmp_community'] != null) invalid('vigil_snmp_community', 'is an SNMPv2c setting: SNMPv3 uses vigil_snmp_user and its keys');
  const user = readOptionalString(vars, 'vigil_snmp_user', invalid) ?? invalid('vigil_snmp_user', 'must be set for SNMP version 3');
  const authProtocol = readChoice(vars, 'vigil_snmp_auth_protocol', SNMP_AUTH_PROTOCOLS, invalid);
  const authKey = readOptionalString(vars, 'vigil_snmp_auth_key', invalid, { secret: true });
  const privProtocol = readChoice(vars, 'vigil_snmp_priv_protocol', SNMP_PRIV_PROTOCOLS, invalid);
  const privKey = readOptionalString(vars, 'vigil_snmp_priv_key', invalid, { secret: true });

  if ((authProtocol === undefined) !== (authKey === undefined)) {
    const missing = authProtocol === undefined ? 'vigil_snmp_auth_protocol' : 'vigil_snmp_auth_key';
    invalid(missing, `must be set together with ${missing === 'vigil_snmp_auth_key' ? 'vigil_snmp_auth_protocol' : 'vigil_snmp_auth_key'}`);
  }
  if ((privProtocol === undefined) !== (privKey === undefined)) {
    const missing = privProtocol === undefined ? 'vigil_snmp_priv_protocol' : 'vigil_snmp_priv_key';
    invalid(missing, `must be set together with ${missing === 'vigil_snmp_priv_key' ? 'vigil_snmp_priv_protocol' : 'vigil_snmp_priv_key'}`);
  }
  // USM has no privacy without authentication (RFC 3414 §3.1.2).
  if (privProtocol !== undefined && authProtocol === undefined) invalid('vigil_snmp_priv_protocol', 'needs vigil_snmp_auth_protocol and vigil_snmp_auth_key too: SNMPv3 has no privacy without authentication');
  if (authKey !== undefined && authKey.length < MIN_USM_KEY_LENGTH) invalid('vigil_snmp_auth_key', `must be at least ${MIN_USM_KEY_LENGTH} characters, got ${authKey.length}`);
  if (privKey !== undefined && privKey.length < MIN_USM_KEY_LENGTH) invalid('vigil_snmp_priv_key', `must be at least ${MIN_USM_KEY_LENGTH} characters, got ${privKey.length}`);

  if (authProtocol === undefined || authKey === undefined) return { version: '3', user, level: 'noAuthNoPriv' };
  if (privProtocol === undefined || privKey === undefined) return { version: '3', user, level: 'authNoPriv', authProtocol, authKey };
  return { version: '3', user, level: 'authPriv', authProtocol, authKey, privProtocol, privKey };
}

function readPort(vars: Record<string, unknown>, invalid: Invalid): number {
  const value = plainValue(vars['vigil_snmp_port']);
  if (value == null) return DEFAULT_SNMP_PORT;
  const port = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) invalid('vigil_snmp_port', `must be an integer 1..65535, got ${show(value)}`);
  return port;
}

function readChoice<T extends string>(vars: Record<string, unknown>, variable: string, choices: readonly T[], invalid: Invalid): T | undefined {
  // A YAML `version: 3` arrives as a number, which readOptionalString turns into "3".
  const text = readOptionalString(vars, variable, invalid);
  if (text === undefined) return undefined;
  const word = text.toLowerCase();
  return choices.find((choice) => choice === word) ?? invalid(variable, `must be one of ${choices.join(', ')}, got ${show(text)}`);
}

function readOptionalString(vars: Record<string, unknown>, variable: string, invalid: Invalid, options: { secret?: boolean } = {}): string | undefined {
  const value = plainValue(vars[variable]);
  if (value == null) return undefined;
  if (value instanceof EncryptedString) return invalid(variable, 'is vault-encrypted and no vault password was given');
  // YAML reads an all-digit community or key as a number.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return invalid(variable, options.secret ? 'must be a string' : `must be a string, got ${show(value)}`);
  // Keys and communities are taken as written: a space may be part of one.
  const text = options.secret ? value : value.trim();
  if (text === '') return invalid(variable, 'must not be empty');
  return text;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
