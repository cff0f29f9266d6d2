import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';

import type { TcpCheckSpec } from '../../lib/checks/check-spec.ts';
import { parseCheckSpecs } from '../../lib/checks/parse-check-specs.ts';
import { runTcpCheck } from '../../lib/checks/run-tcp-check.ts';
import { findRefusedPort } from '../support/sshd.ts';
import { listenWithoutAccept } from './listen-without-accept.ts';
import type { SilentListener } from './listen-without-accept.ts';

let server: net.Server;
let port: number;
let silent: SilentListener;
let accepted = 0;

function spec(check: Record<string, unknown>): TcpCheckSpec {
  const parsed = parseCheckSpecs('db1', [check]);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors[0]?.message);
  const [first] = parsed.specs;
  assert.ok(first?.kind === 'tcp');
  return first;
}

before(async () => {
  server = net.createServer((socket) => {
    accepted++;
    socket.on('error', () => {});
  });
  port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  silent = await listenWithoutAccept();
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await silent.stop();
});

void test('a listening port: up, with the connect latency', async () => {
  const result = await runTcpCheck(spec({ tcp: `127.0.0.1:${port}` }));
  assert.deepEqual(Object.keys(result).sort(), ['id', 'kind', 'latencyMs', 'ok']);
  assert.equal(result.ok, true);
  assert.equal(result.id, `tcp:127.0.0.1:${port}`);
  assert.equal(typeof result.latencyMs, 'number');
  assert.ok((result.latencyMs ?? -1) >= 0);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(accepted, 1, 'the server saw the one connection');
});

void test('a refused port fails with reason refused', async () => {
  const refused = await findRefusedPort();
  const result = await runTcpCheck(spec({ tcp: `127.0.0.1:${refused}` }));
  assert.equal(result.ok, false);
  assert.equal(result.reason, 'refused');
  assert.match(result.message ?? '', /ECONNREFUSED/);
  assert.equal(result.latencyMs, undefined);
});

void test('a port whose listener never accepts fails with reason timeout', async () => {
  const result = await runTcpCheck(spec({ tcp: `127.0.0.1:${silent.port}`, timeout: '200ms' }));
  assert.equal(result.ok, false);
  assert.equal(result.reason, 'timeout');
  assert.match(result.message ?? '', /no connection to 127\.0\.0\.1:\d+ within 0\.2 s/);
});
