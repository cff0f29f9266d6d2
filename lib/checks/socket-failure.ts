// From a Node socket error to a check's stable failure reason, by the error's code. A TLS error
// surfaces with one of OpenSSL's verify codes or an ERR_SSL_/ERR_TLS_ code, so those are matched
// by shape; the runner passes `duringTls` for errors whose code alone does not say (a reset in
// the middle of a handshake is a TLS failure, the same reset after it a protocol one).
import { socketErrorKind } from '../socket-error-kind.ts';
import type { SocketErrorKind } from '../socket-error-kind.ts';
import type { CheckFailureReason } from './check-result.ts';

const REASON_OF_KIND: Record<SocketErrorKind, CheckFailureReason> = {
  refused: 'refused',
  dns: 'dns',
  unreachable: 'unreachable',
  timeout: 'timeout',
  reset: 'protocol',
};

// OpenSSL's X509_V_ERR_* names as Node reports them (without the prefix).
const CERTIFICATE_CODE = /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_|HOSTNAME_MISMATCH|ERR_TLS_|ERR_SSL_)/;

export function socketFailureReason(error: unknown, duringTls = false): CheckFailureReason {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  if (CERTIFICATE_CODE.test(code) || code === 'EPROTO') return 'tls';
  const kind = socketErrorKind(code);
  const reason = kind === undefined ? undefined : REASON_OF_KIND[kind];
  if (reason === 'protocol' && duringTls) return 'tls';
  if (reason !== undefined) return reason;
  if (code.startsWith('HPE_')) return 'protocol';
  return duringTls ? 'tls' : 'error';
}

/** The error's message with its code, for a result's message. */
export function describeSocketError(error: unknown): string {
  const err = error as NodeJS.ErrnoException | null;
  const message = err?.message ?? String(error);
  return err?.code && !message.includes(err.code) ? `${message} (${err.code})` : message;
}
