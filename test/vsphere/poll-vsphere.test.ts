// One poll from inventory variables to a JSON-safe result, against govmomi's real vCenter
// simulator, and each stable failure reason against the simulator or a loopback server that
// hangs or lies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startVcsim } from '../support/vcsim.ts';
import type { Vcsim } from '../support/vcsim.ts';
import { pollVsphere } from '../../lib/vsphere/poll-vsphere.ts';
import type { VspherePollResult } from '../../lib/vsphere/poll-vsphere.ts';
import { vsphereTargetFromVars } from '../../lib/vsphere/vsphere-target.ts';
import type { VsphereFailureReason } from '../../lib/vsphere/vsphere-failure.ts';

let plain: Vcsim;
let secure: Vcsim;

before(async () => {
  [plain, secure] = await Promise.all([startVcsim(), startVcsim({ tls: true })]);
});

after(async () => {
  await Promise.all([plain?.stop(), secure?.stop()]);
});

function vars(sim: { url: string; user: string; password: string }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { vigil_source: 'vsphere', vigil_vsphere_url: sim.url, vigil_vsphere_user: sim.user, vigil_vsphere_password: sim.password, ...extra };
}

function assertFailed(result: VspherePollResult, reason: VsphereFailureReason): void {
  assert.equal(result.ok, false, JSON.stringify(result));
  if (!result.ok) {
    assert.equal(result.reason, reason, result.message);
    assert.equal(result.host, 'vc1');
    assert.doesNotMatch(result.message, /vigil-vcsim|wrong-password/);
  }
}

void test('a poll from inventory variables lists the VPX model\'s 4 hypervisors and 4 VMs, JSON-safe', async () => {
  const result = await pollVsphere(vsphereTargetFromVars('vc1', vars(plain)));
  assert.equal(result.ok, true, JSON.stringify(result));
  if (!result.ok) return;
  assert.equal(result.host, 'vc1');
  assert.match(result.about, /^VMware vCenter Server/);
  assert.equal(result.inventory.hypervisors.length, 4);
  assert.equal(result.inventory.vms.length, 4);
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
});

void test('https with the self-signed certificate: tls by default, fine with its CA file or vigil_vsphere_insecure', async () => {
  assertFailed(await pollVsphere(vsphereTargetFromVars('vc1', vars(secure))), 'tls');
  const trusted = await pollVsphere(vsphereTargetFromVars('vc1', vars(secure, { vigil_vsphere_ca_file: secure.caFile })));
  assert.equal(trusted.ok && trusted.inventory.vms.length, 4, JSON.stringify(trusted));
  const insecure = await pollVsphere(vsphereTargetFromVars('vc1', vars(secure, { vigil_vsphere_insecure: true })));
  assert.equal(insecure.ok && insecure.inventory.hypervisors.length, 4, JSON.stringify(insecure));
});

void test('a wrong password is auth-failed', async () => {
  assertFailed(await pollVsphere(vsphereTargetFromVars('vc1', vars(plain, { vigil_vsphere_password: 'wrong-password' }))), 'auth-failed');
});

void test('a simulator that has stopped is refused', async () => {
  const gone = await startVcsim();
  const target = vsphereTargetFromVars('vc1', vars(gone));
  assert.equal((await pollVsphere(target)).ok, true);
  await gone.stop();
  assertFailed(await pollVsphere(target), 'refused');
});

void test('a server that accepts and never answers is a timeout', async () => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sdk`;
    assertFailed(await pollVsphere(vsphereTargetFromVars('vc1', vars({ url, user: 'u', password: 'p' })), { timeoutMs: 300 }), 'timeout');
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

void test('garbage XML is protocol, at any step of the poll', async () => {
  // Answers RetrieveServiceContent and Login like vCenter, then lies in the step named by the path.
  const lieAt = new Map<string, string>([
    ['/first', 'RetrieveServiceContent'],
    ['/login', 'Login'],
    ['/view', 'CreateContainerView'],
    ['/properties', 'RetrievePropertiesEx'],
  ]);
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const method = /<soapenv:Body><(\w+)/.exec(body)?.[1] ?? '';
      if (method === lieAt.get(req.url ?? '')) {
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<soapenv:Envelope><soapenv:Body><returnval>unterminated');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml', 'set-cookie': 'vmware_soap_session="abc"; Path=/; HttpOnly' });
      res.end(`<Envelope><Body>${CANNED[method] ?? `<${method}Response/>`}</Body></Envelope>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    for (const path of lieAt.keys()) {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
      const result = await pollVsphere(vsphereTargetFromVars('vc1', vars({ url, user: 'u', password: 'p' })));
      assertFailed(result, 'protocol');
      if (!result.ok) assert.match(result.message, /not XML/, path);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const CANNED: Record<string, string> = {
  RetrieveServiceContent: '<RetrieveServiceContentResponse><returnval><rootFolder type="Folder">group-d1</rootFolder>'
    + '<propertyCollector type="PropertyCollector">propertyCollector</propertyCollector><viewManager type="ViewManager">ViewManager</viewManager>'
    + '<sessionManager type="SessionManager">SessionManager</sessionManager></returnval></RetrieveServiceContentResponse>',
  CreateContainerView: '<CreateContainerViewResponse><returnval type="ContainerView">view-1</returnval></CreateContainerViewResponse>',
};
