// A TCP connect check: the port accepts a connection within the timeout. Nothing is sent; the
// connection is closed as soon as it opens.
import net from 'node:net';
import type { CheckResult } from './check-result.ts';
import type { TcpCheckSpec } from './check-spec.ts';
import { describeSocketError, socketFailureReason } from './socket-failure.ts';
import { roundMs } from './round-ms.ts';

export function runTcpCheck(spec: TcpCheckSpec): Promise<CheckResult> {
  const base = { id: spec.id, kind: 'tcp' as const };
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host: spec.host, port: spec.port });
    let settled = false;
    const finish = (result: CheckResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      finish({ ...base, ok: false, reason: 'timeout', message: `no connection to ${spec.host}:${spec.port} within ${spec.timeoutMs / 1000} s` });
    }, spec.timeoutMs);
    socket.once('connect', () => finish({ ...base, ok: true, latencyMs: roundMs(performance.now() - started) }));
    socket.once('error', (error) => finish({ ...base, ok: false, reason: socketFailureReason(error), message: describeSocketError(error) }));
  });
}
