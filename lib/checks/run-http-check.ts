// An HTTP(S) check: one GET, a new connection each time (a kept-alive one would hide a server
// that no longer accepts), redirects not followed (the status list says whether one is fine).
// Two clocks: the connect timeout covers name resolution and the TCP connection, the total one
// everything up to the end of the body. The body is read up to BODY_CAP_BYTES and no further,
// so a check against a huge download costs the worker that much at most; the keyword must appear
// within it. For https the peer certificate's expiry is reported whenever the handshake completes:
// with tls_verify false, any certificate's; with it on, a rejected certificate is reason `tls` with
// OpenSSL's word for it ("certificate has expired") and no days. Verification is never skipped to
// read the days, since the request (and any credentials in the URL) would go to an unverified peer.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { CheckFailureReason, CheckResult } from './check-result.ts';
import { statusAccepted } from './check-spec.ts';
import type { HttpCheckSpec } from './check-spec.ts';
import { roundMs } from './round-ms.ts';
import { describeSocketError, socketFailureReason } from './socket-failure.ts';

export const BODY_CAP_BYTES = 1024 * 1024;
export const USER_AGENT = 'vigil-check/1';
const DAY_MS = 86_400_000;

export interface HttpCheckOptions {
  /** Certificates trusted besides the system's (PEM), for services behind a private CA. */
  trustedCa?: string | Buffer;
  /** The clock for certificate expiry; default Date.now. */
  now?: () => number;
}

class CheckTimeout extends Error {}

export function runHttpCheck(spec: HttpCheckSpec, options: HttpCheckOptions = {}): Promise<CheckResult> {
  const now = options.now ?? Date.now;
  const url = new URL(spec.url);
  const isHttps = url.protocol === 'https:';
  const measured: Partial<CheckResult> = {};
  let phase: 'connect' | 'tls' | 'answer' = 'connect';

  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    const finish = (result: Pick<CheckResult, 'ok'> & Partial<CheckResult>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(totalTimer);
      request.destroy();
      resolve({ id: spec.id, kind: 'http', ...measured, ...result });
    };
    const fail = (reason: CheckFailureReason, message: string): void => finish({ ok: false, reason, message });

    const request = (isHttps ? https : http).request(url, {
      method: 'GET',
      agent: false,
      headers: { 'user-agent': USER_AGENT, accept: '*/*', connection: 'close' },
      ...(isHttps && { rejectUnauthorized: spec.tlsVerify, ...(options.trustedCa !== undefined && { ca: options.trustedCa }) }),
    });

    const connectTimer = setTimeout(() => {
      request.destroy(new CheckTimeout(`no connection to ${url.host} within ${spec.connectTimeoutMs / 1000} s`));
    }, spec.connectTimeoutMs);
    const totalTimer = setTimeout(() => {
      const stage = phase === 'tls' ? 'TLS handshake' : phase === 'answer' ? 'answer' : 'connection';
      request.destroy(new CheckTimeout(`no complete answer within ${spec.timeoutMs / 1000} s (stuck in the ${stage})`));
    }, spec.timeoutMs);

    request.once('socket', (socket: Socket) => {
      socket.once('connect', () => {
        clearTimeout(connectTimer);
        measured.connectMs = roundMs(performance.now() - started);
        phase = isHttps ? 'tls' : 'answer';
      });
      if (isHttps) {
        socket.once('secureConnect', () => {
          phase = 'answer';
          recordCertificate(socket as TLSSocket);
        });
      }
    });

    request.once('error', (error) => {
      if (error instanceof CheckTimeout) return fail('timeout', error.message);
      fail(socketFailureReason(error, phase === 'tls'), describeSocketError(error));
    });

    request.once('response', (response: IncomingMessage) => {
      const statusCode = response.statusCode ?? 0;
      measured.statusCode = statusCode;
      readCappedBody(response, (body, complete, error) => {
        measured.latencyMs = roundMs(performance.now() - started);
        if (error !== null) return fail('protocol', `the body broke off: ${describeSocketError(error)}`);
        if (!statusAccepted(spec.statuses, statusCode)) {
          return fail('status', `status ${statusCode}, expected ${spec.statuses.map((r) => (r.from === r.to ? r.from : `${r.from}-${r.to}`)).join(', ')}`);
        }
        if (spec.keyword !== null && !body.includes(Buffer.from(spec.keyword, 'utf8'))) {
          const scope = complete ? 'the body' : `the first ${BODY_CAP_BYTES} bytes of the body`;
          return fail('keyword', `${JSON.stringify(spec.keyword)} not found in ${scope} (${body.length} bytes)`);
        }
        finish({ ok: true });
      });
    });

    request.end();

    function recordCertificate(socket: TLSSocket): void {
      const certificate: PeerCertificate | null = socket.getPeerCertificate() ?? null;
      const notAfter = certificate?.valid_to ? Date.parse(certificate.valid_to) : Number.NaN;
      if (!Number.isFinite(notAfter)) return;
      const leftMs = notAfter - now();
      measured.certExpiresAt = new Date(notAfter).toISOString();
      measured.certDaysLeft = Math.floor(leftMs / DAY_MS);
      if (spec.tlsExpiryDays !== null) measured.certExpiring = leftMs < spec.tlsExpiryDays * DAY_MS;
    }
  });
}

/** Calls `done` once with up to BODY_CAP_BYTES of the body; `complete` is false when the cap cut it. */
function readCappedBody(response: IncomingMessage, done: (body: Buffer, complete: boolean, error: Error | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let called = false;
  const end = (complete: boolean, error: Error | null): void => {
    if (called) return;
    called = true;
    done(Buffer.concat(chunks, size), complete, error);
  };
  response.on('data', (chunk: Buffer) => {
    if (called) return;
    const room = BODY_CAP_BYTES - size;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    chunks.push(kept);
    size += kept.length;
    if (size >= BODY_CAP_BYTES) end(false, null);
  });
  response.once('end', () => end(true, null));
  response.once('aborted', () => end(false, new Error('connection closed before the end of the body')));
  response.once('error', (error) => end(false, error));
}
