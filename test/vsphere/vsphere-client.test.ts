// Against govmomi's real vCenter simulator (test/support/vcsim.ts), over http and https, and
// against small loopback servers that hang or answer garbage.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startVcsim } from '../support/vcsim.ts';
import type { Vcsim } from '../support/vcsim.ts';
import { VsphereClient } from '../../lib/vsphere/vsphere-client.ts';
import type { VsphereClientOptions } from '../../lib/vsphere/vsphere-client.ts';
import { VsphereError } from '../../lib/vsphere/vsphere-failure.ts';
import type { VsphereFailureReason } from '../../lib/vsphere/vsphere-failure.ts';
import { textElement } from '../../lib/vsphere/soap-request.ts';
import { childNamed } from '../../lib/vsphere/xml-reader.ts';

const SERVICE_INSTANCE = { type: 'ServiceInstance', value: 'ServiceInstance' };
const SESSION_MANAGER = { type: 'SessionManager', value: 'SessionManager' };

let plain: Vcsim;
let secure: Vcsim;

before(async () => {
  [plain, secure] = await Promise.all([startVcsim(), startVcsim({ tls: true })]);
});

after(async () => {
  await Promise.all([plain?.stop(), secure?.stop()]);
});

async function withClient<T>(options: Partial<VsphereClientOptions> & { url: string }, use: (client: VsphereClient) => Promise<T>): Promise<T> {
  const client = new VsphereClient({ tls: { verify: 'system' }, timeoutMs: 10_000, ...options });
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

async function failsWith(promise: Promise<unknown>, reason: VsphereFailureReason, message?: RegExp): Promise<VsphereError> {
  const error = await promise.then(() => assert.fail(`expected a ${reason} failure`), (e: unknown) => e);
  assert.ok(error instanceof VsphereError, String(error));
  assert.equal(error.reason, reason, error.message);
  if (message) assert.match(error.message, message);
  return error;
}

void test('RetrieveServiceContent answers as vCenter; Login sets the session cookie that later calls carry', async () => {
  await withClient({ url: plain.url }, async (client) => {
    const content = await client.call('RetrieveServiceContent', SERVICE_INSTANCE);
    assert.equal(content.name, 'RetrieveServiceContentResponse');
    const about = childNamed(childNamed(content, 'returnval') ?? content, 'about');
    assert.match(about?.children.find((c) => c.name === 'fullName')?.text ?? '', /^VMware vCenter Server/);

    // Without a session the server refuses; after Login the same call works on the same client.
    const view = (): Promise<unknown> => client.call('CreateContainerView', { type: 'ViewManager', value: 'ViewManager' },
      '<container type="Folder">group-d1</container><type>VirtualMachine</type><recursive>true</recursive>');
    const refused = await failsWith(view(), 'auth-failed', /NotAuthenticated/);
    assert.equal(refused.faultType, 'NotAuthenticated');
    assert.equal(client.hasSession, false);
    await client.call('Login', SESSION_MANAGER, textElement('userName', plain.user) + textElement('password', plain.password));
    assert.equal(client.hasSession, true);
    await view();
    await client.call('Logout', SESSION_MANAGER);
  });
});

void test('a wrong password is the InvalidLogin fault: auth-failed, and the password is not in the message', async () => {
  await withClient({ url: plain.url }, async (client) => {
    const error = await failsWith(client.call('Login', SESSION_MANAGER, textElement('userName', plain.user) + textElement('password', 'hunter2')), 'auth-failed');
    assert.equal(error.faultType, 'InvalidLogin');
    assert.doesNotMatch(error.message, /hunter2/);
  });
});

void test('a method the server does not know is a fault named by its type', async () => {
  await withClient({ url: plain.url }, async (client) => {
    await client.call('Login', SESSION_MANAGER, textElement('userName', plain.user) + textElement('password', plain.password));
    const error = await failsWith(client.call('ContinueRetrievePropertiesEx', { type: 'PropertyCollector', value: 'propertyCollector' }, '<token>1</token>'), 'fault', /MethodNotFound/);
    assert.equal(error.faultType, 'MethodNotFound');
  });
});

void test('https: the simulator\'s self-signed certificate fails against the system CAs, works with its CA file or with checking off', async () => {
  await withClient({ url: secure.url }, (client) => failsWith(client.call('RetrieveServiceContent', SERVICE_INSTANCE), 'tls'));
  assert.ok(secure.caFile);
  await withClient({ url: secure.url, tls: { verify: 'ca-file', caFile: secure.caFile } }, async (client) => {
    assert.equal((await client.call('RetrieveServiceContent', SERVICE_INSTANCE)).name, 'RetrieveServiceContentResponse');
  });
  await withClient({ url: secure.url, tls: { verify: 'off' } }, async (client) => {
    assert.equal((await client.call('RetrieveServiceContent', SERVICE_INSTANCE)).name, 'RetrieveServiceContentResponse');
  });
  // A CA file that does not exist, or is not a certificate, is a tls failure naming the file.
  await withClient({ url: secure.url, tls: { verify: 'ca-file', caFile: '/nonexistent/vmca.pem' } },
    (client) => failsWith(client.call('RetrieveServiceContent', SERVICE_INSTANCE), 'tls', /\/nonexistent\/vmca.pem/));
  await withClient({ url: secure.url, tls: { verify: 'ca-file', caFile: '/etc/hostname' } },
    (client) => failsWith(client.call('RetrieveServiceContent', SERVICE_INSTANCE), 'tls', /no PEM certificate/));
  // https spoken to the plain-http simulator.
  await withClient({ url: plain.url.replace('http:', 'https:'), tls: { verify: 'off' } },
    (client) => failsWith(client.call('RetrieveServiceContent', SERVICE_INSTANCE), 'tls'));
});

void test('nothing listening is refused', async () => {
  const port = await closedPort();
  await withClient({ url: `http://127.0.0.1:${port}/sdk` }, (client) => failsWith(client.call('RetrieveServiceContent', SERVICE_INSTANCE), 'refused'));
});

void test('a server that accepts and never answers is a timeout', async () => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server);
  try {
    await withClient({ url: `http://127.0.0.1:${port(server)}/sdk`, timeoutMs: 300 },
      (client) => failsWith(client.call('RetrieveServiceContent', SERVICE_INSTANCE), 'timeout', /within 300 ms/));
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

void test('garbage, HTML, a cut-off answer or an oversized one is a protocol failure', async () => {
  const answers: Record<string, (res: http.ServerResponse) => void> = {
    '/garbage': (res) => res.writeHead(200, { 'content-type': 'text/xml' }).end('\x00\x01 not xml at all <<<'),
    '/html': (res) => res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body>Service Unavailable</body></html>'),
    '/other-method': (res) => res.writeHead(200).end('<Envelope><Body><LoginResponse/></Body></Envelope>'),
    '/cut': (res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('<soapenv:Envelope><soapenv:Body>');
      setImmediate(() => res.destroy());
    },
    '/big': (res) => res.writeHead(200).end(`<Envelope><Body><RetrieveServiceContentResponse>${'x'.repeat(64 * 1024)}</RetrieveServiceContentResponse></Body></Envelope>`),
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answers[req.url ?? '']?.(res));
  });
  await listen(server);
  try {
    const at = (path: string): string => `http://127.0.0.1:${port(server)}${path}`;
    await withClient({ url: at('/garbage') }, (c) => failsWith(c.call('RetrieveServiceContent', SERVICE_INSTANCE), 'protocol', /not XML/));
    await withClient({ url: at('/html') }, (c) => failsWith(c.call('RetrieveServiceContent', SERVICE_INSTANCE), 'protocol', /HTTP 503.*not a SOAP envelope/));
    await withClient({ url: at('/other-method') }, (c) => failsWith(c.call('RetrieveServiceContent', SERVICE_INSTANCE), 'protocol', /answered with <LoginResponse>/));
    await withClient({ url: at('/cut') }, (c) => failsWith(c.call('RetrieveServiceContent', SERVICE_INSTANCE), 'protocol'));
    await withClient({ url: at('/big'), maxResponseBytes: 16 * 1024 }, (c) => failsWith(c.call('RetrieveServiceContent', SERVICE_INSTANCE), 'protocol', /exceeds 16384 bytes/));
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

void test('a URL that is not http or https is refused up front', () => {
  assert.throws(() => new VsphereClient({ url: 'ftp://127.0.0.1/sdk', tls: { verify: 'system' }, timeoutMs: 1000 }), /not an http or https URL/);
});

async function listen(server: net.Server): Promise<void> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function port(server: net.Server): number {
  return (server.address() as AddressInfo).port;
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await listen(server);
  const free = port(server);
  await new Promise((resolve) => server.close(resolve));
  return free;
}
