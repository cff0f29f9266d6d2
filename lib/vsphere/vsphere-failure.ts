// Why a vSphere poll failed, as a stable word that alerting and the dashboard can key on, with a
// message for people. The words match the SSH source's where the meaning is the same.

import { socketErrorKind } from '../socket-error-kind.ts';
import type { SocketErrorKind } from '../socket-error-kind.ts';

export const VSPHERE_FAILURE_REASONS = [
  /** Nothing listens on the port (the service is down, or the wrong port). */
  'refused',
  /** No complete answer within the time allowed: a slow or hung server, or packets dropped. */
  'timeout',
  /** Wrong user or password (InvalidLogin), or the session was refused later (NotAuthenticated, NoPermission). */
  'auth-failed',
  /** The TLS handshake failed: an untrusted or mismatched certificate, or TLS spoken to a plain port. */
  'tls',
  /** The answer is not vim25 SOAP: not XML, an unexpected HTTP status, a cut-off response. */
  'protocol',
  'dns',
  'unreachable',
  /** The server answered with a vim25 fault other than the above; the message names it. */
  'fault',
] as const;
export type VsphereFailureReason = (typeof VSPHERE_FAILURE_REASONS)[number];

export class VsphereError extends Error {
  readonly reason: VsphereFailureReason;
  /** The vim25 fault type when the server sent one ("InvalidLogin"). */
  readonly faultType: string | null;
  constructor(reason: VsphereFailureReason, message: string, faultType: string | null = null) {
    super(message);
    this.name = 'VsphereError';
    this.reason = reason;
    this.faultType = faultType;
  }
}

const REASON_OF_KIND: Record<SocketErrorKind, VsphereFailureReason> = {
  refused: 'refused',
  dns: 'dns',
  unreachable: 'unreachable',
  timeout: 'timeout',
  reset: 'protocol',
};

// Node's names for certificate verification failures (from OpenSSL) and its own TLS checks.
const TLS_CODE = /CERT|SELF_SIGNED|ISSUER|UNABLE_TO_VERIFY|ERR_SSL|ERR_TLS|HOSTNAME/;

/** The reason for an error thrown by node:http(s) or net while calling the server. */
export function classifyTransportError(error: unknown): VsphereFailureReason {
  const code = errorCode(error);
  if (code === undefined) return 'protocol';
  // TLS spoken to a plain HTTP port: OpenSSL reports "wrong version number" as EPROTO.
  if (code === 'EPROTO') return 'tls';
  const kind = socketErrorKind(code);
  if (kind !== undefined) return REASON_OF_KIND[kind];
  return TLS_CODE.test(code) ? 'tls' : 'protocol';
}

/** The reason for a vim25 fault the server sent. */
export function classifyFault(faultType: string | null): VsphereFailureReason {
  switch (faultType) {
    case 'InvalidLogin':
    case 'NotAuthenticated':
    case 'NoPermission':
      return 'auth-failed';
    default:
      return 'fault';
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // With autoSelectFamily net reports an AggregateError of per-address errors.
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner)) {
    for (const e of inner) {
      const innerCode = errorCode(e);
      if (innerCode !== undefined) return innerCode;
    }
  }
  return undefined;
}
