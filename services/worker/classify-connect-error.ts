// Maps what net and ssh2 throw while connecting to the stable failure reasons.
import type { FailureReason } from '../../lib/poll/poll-messages.ts';
import { socketErrorKind } from '../../lib/socket-error-kind.ts';
import type { SocketErrorKind } from '../../lib/socket-error-kind.ts';

const REASON_OF_KIND: Record<SocketErrorKind, FailureReason> = {
  refused: 'refused',
  dns: 'dns',
  unreachable: 'unreachable',
  timeout: 'timeout-connect',
  reset: 'protocol',
};

export function classifyConnectError(err: unknown): FailureReason {
  if (typeof err !== 'object' || err === null) return 'error';
  const code = errorCode(err);
  const kind = socketErrorKind(code);
  if (kind !== undefined) return REASON_OF_KIND[kind];
  const level = (err as { level?: unknown }).level;
  if (level === 'client-authentication' || level === 'agent') return 'auth-failed';
  if (level === 'client-timeout') return 'timeout-connect';
  if (level === 'client-dns') return 'dns';
  if (level === 'handshake' || level === 'protocol') return 'protocol';
  return 'error';
}

function errorCode(err: object): string | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // With happy eyeballs (autoSelectFamily) net reports an AggregateError of per-address errors.
  const inner = (err as { errors?: unknown }).errors;
  if (Array.isArray(inner)) {
    for (const e of inner) {
      if (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string') {
        return (e as { code: string }).code;
      }
    }
  }
  return undefined;
}

/**
 * A bastion's refusal to open a direct-tcpip channel: OpenSSH puts the connect error of its own
 * socket in the description ("Connection refused"), or "administratively prohibited" when
 * forwarding is turned off.
 */
export function classifyForwardError(err: Error): FailureReason {
  const text = err.message.toLowerCase();
  if (text.includes('refused')) return 'refused';
  if (text.includes('timed out')) return 'timeout-connect';
  if (text.includes('name or service') || text.includes('not known') || text.includes('resolve') || text.includes('nodename')) return 'dns';
  if (text.includes('unreachable')) return 'unreachable';
  if (text.includes('prohibited')) return 'protocol';
  return 'unreachable';
}
