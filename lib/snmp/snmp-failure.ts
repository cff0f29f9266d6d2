// Why an SNMP poll failed, as a stable reason that alerting and the dashboard can key on, and a
// message for people. Errors come from net-snmp (by name and code) or from Node's dgram socket.
import type { SnmpTarget } from './snmp-target.ts';

export const SNMP_FAILURE_REASONS = ['timeout', 'auth-failed', 'refused', 'unreachable', 'dns', 'protocol', 'error'] as const;
export type SnmpFailureReason = (typeof SNMP_FAILURE_REASONS)[number];

export interface SnmpFailure {
  reason: SnmpFailureReason;
  message: string;
}

/** What the poll was doing, for the message. */
export interface SnmpFailureContext {
  timeoutMs: number;
  retries: number;
  /** The last message the session could not decode, if any: a timeout after one is a protocol problem. */
  undecodable?: string | undefined;
  /** SNMPv3: the agent answered engine discovery, so it runs and hears us. */
  engineDiscovered?: boolean;
}

// net-snmp's ResponseInvalidCode values.
const COULD_NOT_DECRYPT = 4;
const AUTH_FAILURE = 5;
// net-snmp's ErrorStatus values that mean "not allowed to read this".
const NO_ACCESS = 6;
const AUTHORIZATION_ERROR = 16;

const SOCKET_REASONS: Record<string, SnmpFailureReason> = {
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  EADDRNOTAVAIL: 'unreachable',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
};

export function classifySnmpError(error: unknown, target: SnmpTarget, context: SnmpFailureContext): SnmpFailure {
  const where = `${target.address}:${target.port}`;
  const err = error instanceof Error ? (error as Error & { code?: unknown; status?: unknown }) : null;
  const text = err?.message ?? String(error);

  if (err?.name === 'RequestTimedOutError') {
    const tries = `${context.timeoutMs} ms × ${context.retries + 1} tries`;
    if (context.undecodable !== undefined) {
      return { reason: 'protocol', message: `${where} answered with a message that cannot be decoded (${context.undecodable}), and nothing else within ${tries}` };
    }
    if (target.security.version === '3' && target.security.level === 'authPriv' && context.engineDiscovered) {
      // An agent drops a request it cannot decrypt without a report (snmpd logs "error parsing
      // ScopedPDU"): discovery answered, the encrypted request did not, so the privacy key is the
      // likely cause.
      return {
        reason: 'auth-failed',
        message: `${where} answered SNMPv3 engine discovery but not the encrypted request within ${tries}: most likely a wrong vigil_snmp_priv_key or vigil_snmp_priv_protocol`,
      };
    }
    // An SNMPv1/v2c agent drops a request with an unknown community without a word (RFC 3584 §5.2.1).
    const hint = target.security.version === '2c'
      ? 'a v2c agent does not answer a wrong community: check vigil_snmp_community, and that the agent runs and allows this address'
      : 'check that the agent runs, listens on this port and allows this address';
    return { reason: 'timeout', message: `no answer from ${where} within ${tries}; ${hint}` };
  }
  if (err?.name === 'ResponseInvalidError' && (err.code === AUTH_FAILURE || err.code === COULD_NOT_DECRYPT)) {
    // usmStats reports name the cause: wrong digest (auth key), unknown user name, decryption error (priv key).
    return { reason: 'auth-failed', message: `${where} refused SNMPv3 user '${v3User(target)}': ${shortReason(text)}` };
  }
  if (err?.name === 'RequestFailedError' && (err.status === NO_ACCESS || err.status === AUTHORIZATION_ERROR)) {
    return { reason: 'auth-failed', message: `${where} denied access: ${text}` };
  }
  if (err?.name === 'ResponseInvalidError' || err?.name === 'RequestFailedError' || err?.name === 'WalkError') {
    return { reason: 'protocol', message: `${where}: ${text}` };
  }
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const socketReason = code === undefined ? undefined : SOCKET_REASONS[code];
  if (socketReason !== undefined) return { reason: socketReason, message: `${where}: ${text}` };
  return { reason: 'error', message: `${where}: ${text}` };
}

function v3User(target: SnmpTarget): string {
  return target.security.version === '3' ? target.security.user : '';
}

// The digest mismatch message carries both digests in hex: noise for people. The agent's usmStats
// reports (net-snmp's words for them) get the variable to check.
const USM_HINTS: Array<[prefix: string, hint: string]> = [
  ['Wrong Digest', 'check vigil_snmp_auth_key and vigil_snmp_auth_protocol'],
  ['Unknown User Name', 'check vigil_snmp_user'],
  ['Decryption Error', 'check vigil_snmp_priv_key and vigil_snmp_priv_protocol'],
  ['Unsupported Security Level', 'the agent does not allow this user at the level vigil_snmp_auth_*/vigil_snmp_priv_* set'],
];

function shortReason(text: string): string {
  if (text.startsWith('Authentication digest')) return 'the response does not authenticate with the auth key (wrong vigil_snmp_auth_key)';
  const hint = USM_HINTS.find(([prefix]) => text.startsWith(prefix))?.[1];
  return hint === undefined ? text : `${text}; ${hint}`;
}
