// `vigil poll` of a vCenter (vigil_source: vsphere) against govmomi's real simulator, through a
// loopback proxy that counts the SOAP methods called: the CLI's one VspherePoller for the run
// serves both of its polls with one login, and the result lists the hypervisors and VMs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startVcsim } from '../support/vcsim.ts';
import type { Vcsim } from '../support/vcsim.ts';

let vcsim: Vcsim;
let proxy: http.Server;
let dir: string;
let inventory: string;
/** SOAP methods that reached the simulator through the proxy, in order. */
const calls: string[] = [];

/** Forwards every request to the simulator as it is, noting the SOAP method it calls. */
function startCountingProxy(target: URL): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      calls.push(/<soapenv:Body><(\w+)/.exec(body.toString('utf8'))?.[1] ?? '?');
      const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  vcsim = await startVcsim({ guestInfo: true });
  const target = new URL(vcsim.url);
  proxy = await startCountingProxy(target);
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${target.pathname}`;
  dir = await mkdtemp(join(tmpdir(), 'vigil-vsphere-poll-cli-'));
  inventory = join(dir, 'hosts');
  await writeFile(inventory, [
    '[vcenters]',
    `vc1 vigil_source=vsphere vigil_vsphere_url=${url} vigil_vsphere_user=${vcsim.user} vigil_vsphere_password=${vcsim.password}`,
    `vc-wrong vigil_source=vsphere vigil_vsphere_url=${vcsim.url} vigil_vsphere_user=${vcsim.user} vigil_vsphere_password=wrong-password`,
    '',
  ].join('\n'));
});

after(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await vcsim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/vigil.mjs', ...args], { env: { ...process.env, VIGIL_DATA_DIR: dir }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

void test('vigil poll VCENTER polls twice on one login and prints each hypervisor and VM under it', async () => {
  calls.length = 0;
  const { code, stdout, stderr } = await vigil(['poll', 'vc1', '-i', inventory]);
  assert.equal(code, 0, stderr);
  assert.equal(calls.filter((method) => method === 'Login').length, 1, calls.join(' '));
  assert.equal(calls.filter((method) => method === 'RetrievePropertiesEx').length, 2, calls.join(' '));
  assert.equal(calls.filter((method) => method === 'Logout').length, 1, calls.join(' '));
  assert.match(stdout, /^guests \(8, as vc1\/<name>\)$/m);
  assert.match(stdout, /^ {2}DC0_C0_RP0_VM0 +poweredOn +cpu 25\.0 % of 1, memory 25\.0 % used$/m);
  for (const name of ['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2', 'DC0_H0', 'DC0_C0_RP0_VM1', 'DC0_H0_VM0', 'DC0_H0_VM1']) {
    assert.match(stdout, new RegExp(`^ {2}${name} +poweredOn`, 'm'), name);
  }
});

void test('vigil poll VCENTER --json: the vCenter\'s sample, and its hypervisors and VMs under children', async () => {
  const { code, stdout, stderr } = await vigil(['poll', 'vc1', '-i', inventory, '--json']);
  assert.equal(code, 0, stderr);
  const printed = JSON.parse(stdout) as { host: string; children?: { kind: string; powerState: string; sample: { host: string } }[] };
  assert.equal(printed.host, 'vc1');
  assert.equal(printed.children?.length, 8);
  assert.deepEqual(printed.children?.map((c) => c.kind).sort(), ['hypervisor', 'hypervisor', 'hypervisor', 'hypervisor', 'vm', 'vm', 'vm', 'vm']);
  assert.ok(printed.children?.some((c) => c.sample.host === 'vc1/DC0_C0_RP0_VM0' && c.powerState === 'poweredOn'), JSON.stringify(printed.children?.map((c) => c.sample.host)));
});

void test('vigil poll --all --json: the vCenter\'s sample with its children, and a refused login as auth-failed', async () => {
  const { code, stdout } = await vigil(['poll', '--all', '-i', inventory, '--json']);
  assert.equal(code, 1);
  const results = JSON.parse(stdout) as { host: string; kind: string; reason?: string; children?: unknown[] }[];
  const byHost = new Map(results.map((r) => [r.host, r]));
  assert.equal(byHost.get('vc1')?.kind, 'sample');
  assert.equal(byHost.get('vc1')?.children?.length, 8);
  assert.equal(byHost.get('vc-wrong')?.kind, 'failure');
  assert.equal(byHost.get('vc-wrong')?.reason, 'auth-failed');
});
