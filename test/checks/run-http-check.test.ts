import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { HttpCheckSpec } from '../../lib/checks/check-spec.ts';
import { parseCheckSpecs } from '../../lib/checks/parse-check-specs.ts';
import { BODY_CAP_BYTES, runHttpCheck } from '../../lib/checks/run-http-check.ts';
import { findRefusedPort } from '../support/sshd.ts';
import { listenWithoutAccept } from './listen-without-accept.ts';
import { selfSignedCertificate } from './self-signed-certificate.ts';
import type { SilentListener } from './listen-without-accept.ts';

const DAY_MS = 86_400_000;

let dir: string;
let certificate: Buffer;
let plain: http.Server;
let secure: https.Server;
let hanging: net.Server;
let silent: SilentListener;
let plainBase: string;
let securePort: number;
let hangingPort: number;
const openSockets = new Set<net.Socket>();

/** A spec as the inventory would give it, so the defaults are the parser's. */
function spec(check: Record<string, unknown>): HttpCheckSpec {
  const parsed = parseCheckSpecs('web1', [check]);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors[0]?.message);
  const [first] = parsed.specs;
  assert.ok(first?.kind === 'http');
  return first;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-http-check-'));
  // A self-signed certificate valid for 3 days, for localhost and 127.0.0.1.
  const { cert, key } = await selfSignedCertificate(dir, 3);
  certificate = cert;

  const handler: http.RequestListener = (request, response) => {
    if (request.url === '/ok') {
      response.end('<html><body>status: all good (vigil-ok)</body></html>');
    } else if (request.url === '/unavailable') {
      response.writeHead(503).end('maintenance');
    } else if (request.url === '/moved') {
      response.writeHead(301, { location: '/ok' }).end();
    } else if (request.url === '/big') {
      // 2 MiB of filler with a marker near the start and one past the cap.
      const body = Buffer.alloc(2 * 1024 * 1024, 'x');
      body.write('early-marker', 100);
      body.write('late-marker', BODY_CAP_BYTES + 1000);
      response.end(body);
    } else if (request.url === '/cut') {
      response.writeHead(200, { 'content-length': '1000' });
      response.write('only the first part');
      setImmediate(() => response.socket?.destroy());
    } else {
      response.writeHead(404).end();
    }
  };
  plain = http.createServer(handler);
  plainBase = `http://127.0.0.1:${await listen(plain)}`;
  secure = https.createServer({ key, cert: certificate }, handler);
  securePort = await listen(secure);
  // Accepts, reads, never answers.
  hanging = net.createServer((socket) => {
    openSockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => openSockets.delete(socket));
  });
  hangingPort = await listen(hanging);
  silent = await listenWithoutAccept();
});

after(async () => {
  for (const socket of openSockets) socket.destroy();
  plain.closeAllConnections();
  secure.closeAllConnections();
  await Promise.all([close(plain), close(secure), close(hanging), silent.stop()]);
  await rm(dir, { recursive: true, force: true });
});

void test('200 with the keyword in the body: up, with status, latency and connect time', async () => {
  const result = await runHttpCheck(spec({ http: `${plainBase}/ok`, keyword: 'all good' }));
  assert.equal(result.ok, true, result.message);
  assert.equal(result.id, `http:${plainBase}/ok`);
  assert.equal(result.kind, 'http');
  assert.equal(result.statusCode, 200);
  assert.equal(typeof result.latencyMs, 'number');
  assert.equal(typeof result.connectMs, 'number');
  assert.ok((result.connectMs ?? -1) <= (result.latencyMs ?? -1));
  assert.equal(result.reason, undefined);
  assert.equal(result.certDaysLeft, undefined, 'plain http has no certificate');
  // JSON-safe: what goes through the bus comes back equal.
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
});

void test('a status outside the list fails with reason status and the code received', async () => {
  const result = await runHttpCheck(spec({ http: `${plainBase}/unavailable` }));
  assert.equal(result.ok, false);
  assert.equal(result.reason, 'status');
  assert.equal(result.statusCode, 503);
  assert.match(result.message ?? '', /status 503, expected 200-299/);
  const accepted = await runHttpCheck(spec({ http: `${plainBase}/unavailable`, status: [200, 503] }));
  assert.equal(accepted.ok, true, accepted.message);
});

void test('redirects are not followed: a 301 is a status failure unless listed', async () => {
  const result = await runHttpCheck(spec({ http: `${plainBase}/moved` }));
  assert.equal(result.reason, 'status');
  assert.equal(result.statusCode, 301);
  assert.equal((await runHttpCheck(spec({ http: `${plainBase}/moved`, status: '3xx' }))).ok, true);
});

void test('a missing keyword fails with reason keyword', async () => {
  const result = await runHttpCheck(spec({ http: `${plainBase}/ok`, keyword: 'database error' }));
  assert.equal(result.ok, false);
  assert.equal(result.reason, 'keyword');
  assert.equal(result.statusCode, 200);
  assert.match(result.message ?? '', /"database error" not found in the body/);
});

void test('the body is read up to the cap: a keyword beyond it is not found', async () => {
  const early = await runHttpCheck(spec({ http: `${plainBase}/big`, keyword: 'early-marker' }));
  assert.equal(early.ok, true, early.message);
  const late = await runHttpCheck(spec({ http: `${plainBase}/big`, keyword: 'late-marker' }));
  assert.equal(late.reason, 'keyword');
  assert.match(late.message ?? '', new RegExp(`first ${BODY_CAP_BYTES} bytes`));
});

void test('a body cut short is a protocol failure', async () => {
  const result = await runHttpCheck(spec({ http: `${plainBase}/cut`, keyword: 'first part' }));
  assert.equal(result.ok, false);
  assert.equal(result.reason, 'protocol', result.message);
  assert.equal(result.statusCode, 200);
});

void test('a refused port fails with reason refused', async () => {
  const port = await findRefusedPort();
  const result = await runHttpCheck(spec({ http: `http://127.0.0.1:${port}/` }));
  assert.equal(result.ok, false);
  assert.equal(result.reason, 'refused', result.message);
  assert.equal(result.statusCode, undefined);
});

void test('a server that accepts and never answers fails with reason timeout, in the answer', async () => {
  const result = await runHttpCheck(spec({ http: `http://127.0.0.1:${hangingPort}/`, timeout: '300ms' }));
  assert.equal(result.ok, false);
  assert.equal(result.reason, 'timeout');
  assert.match(result.message ?? '', /no complete answer within 0\.3 s \(stuck in the answer\)/);
  assert.equal(typeof result.connectMs, 'number', 'the connection itself succeeded');
});

void test('a listener that never completes the handshake hits the connect timeout', async () => {
  const result = await runHttpCheck(spec({ http: `http://127.0.0.1:${silent.port}/`, timeout: 5, connect_timeout: '200ms' }));
  assert.equal(result.ok, false);
  assert.equal(result.reason, 'timeout');
  assert.match(result.message ?? '', /no connection to 127\.0\.0\.1:\d+ within 0\.2 s/);
  assert.equal(result.connectMs, undefined);
});

void test('https with a certificate valid 3 days: 2 days left, expiring against 14, not against 1', async () => {
  const before = Date.now();
  const result = await runHttpCheck(spec({ http: `https://127.0.0.1:${securePort}/ok`, tls_verify: false, keyword: 'vigil-ok' }));
  assert.equal(result.ok, true, result.message);
  assert.equal(result.statusCode, 200);
  assert.ok(result.certDaysLeft === 2 || result.certDaysLeft === 3, `certDaysLeft ${result.certDaysLeft}`);
  const expiresAt = Date.parse(result.certExpiresAt ?? '');
  assert.ok(expiresAt > before + 2 * DAY_MS && expiresAt <= before + 3 * DAY_MS + 60_000, result.certExpiresAt);
  assert.equal(result.certExpiring, true, 'the default threshold is 14 days');

  const lenient = await runHttpCheck(spec({ http: `https://127.0.0.1:${securePort}/ok`, tls_verify: false, tls_expiry_days: 1 }));
  assert.equal(lenient.certExpiring, false);
  const unwatched = await runHttpCheck(spec({ http: `https://127.0.0.1:${securePort}/ok`, tls_verify: false, tls_expiry_days: false }));
  assert.equal(unwatched.certExpiring, undefined);
  assert.equal(typeof unwatched.certDaysLeft, 'number', 'the days are reported even when not judged');
});

void test('the expiry is judged by the clock given: 20 days later the certificate has expired', async () => {
  const result = await runHttpCheck(spec({ http: `https://127.0.0.1:${securePort}/ok`, tls_verify: false }), { now: () => Date.now() + 20 * DAY_MS });
  assert.ok((result.certDaysLeft ?? 0) < 0, `certDaysLeft ${result.certDaysLeft}`);
  assert.equal(result.certExpiring, true);
});

void test('a self-signed certificate fails verification with reason tls; trusted explicitly it passes', async () => {
  const untrusted = await runHttpCheck(spec({ http: `https://localhost:${securePort}/ok` }));
  assert.equal(untrusted.ok, false);
  assert.equal(untrusted.reason, 'tls', untrusted.message);
  assert.match(untrusted.message ?? '', /self-signed|self signed/i);

  const trusted = await runHttpCheck(spec({ http: `https://localhost:${securePort}/ok` }), { trustedCa: certificate });
  assert.equal(trusted.ok, true, trusted.message);
  assert.equal(trusted.certExpiring, true);
});

void test('https to a plain http port fails with reason tls', async () => {
  const result = await runHttpCheck(spec({ http: `${plainBase.replace('http:', 'https:')}/ok` }));
  assert.equal(result.ok, false);
  assert.equal(result.reason, 'tls', result.message);
});
