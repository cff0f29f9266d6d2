// The outcome of one service check: plain JSON (it travels in poll results and is stored as is).
// A field is present only when the check measured it, so an absent one never reads as zero.
import type { CheckKind } from './check-spec.ts';

/** Stable reasons a check fails; alerting and the dashboard key on them. */
export const CHECK_FAILURE_REASONS = [
  /** The port answered with a reset: nothing listens. */
  'refused',
  /** No connection, or no complete answer, within the check's timeout; the message says which. */
  'timeout',
  /** The name did not resolve. */
  'dns',
  /** No route to the host or its network. */
  'unreachable',
  /** The TLS handshake failed or the certificate was not trusted. */
  'tls',
  /** The peer broke the protocol: reset mid-answer, not HTTP, cut body. */
  'protocol',
  /** An HTTP status code not in the check's list. */
  'status',
  /** The keyword was not in the body (within the size cap). */
  'keyword',
  /** systemd knows no such unit; the file does not exist (or cannot be seen by the monitoring user). */
  'not-found',
  /** The unit is in the failed state. */
  'failed',
  /** The unit is loaded but not active (inactive, activating, deactivating). */
  'inactive',
  /** The file was modified longer ago than the check allows. */
  'stale',
  /** Anything else; the message says what. */
  'error',
] as const;
export type CheckFailureReason = (typeof CHECK_FAILURE_REASONS)[number];

export interface CheckResult {
  id: string;
  /** The check's `name` in vigil_checks, when it has one. */
  name?: string;
  kind: CheckKind;
  ok: boolean;
  /** Only when not ok. */
  reason?: CheckFailureReason;
  /** Human-readable detail: the error, the status received, the unit's state. */
  message?: string;
  /** tcp: time to connect; http: time to the end of the body (or of the capped part read). */
  latencyMs?: number;
  /** http: time to connect (name resolution included). */
  connectMs?: number;
  statusCode?: number;
  /** https: whole days until the peer certificate's notAfter (negative once expired). */
  certDaysLeft?: number;
  /** https: the certificate's notAfter, ISO 8601. */
  certExpiresAt?: string;
  /** https with a tls_expiry_days: the certificate expires within it. Not a failure of the check itself. */
  certExpiring?: boolean;
  /** systemd: LoadState, ActiveState, SubState as systemctl shows them. */
  loadState?: string;
  activeState?: string;
  subState?: string;
  /** file: seconds since it was modified, by the host's clock (never below 0). */
  ageSec?: number;
}
