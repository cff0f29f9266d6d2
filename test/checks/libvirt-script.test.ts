import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { DEFAULT_LIBVIRT_URI, LIBVIRT_SCRIPT, libvirtScript, parseLibvirtOutput } from '../../lib/checks/libvirt-script.ts';

const run = promisify(execFile);
const fixtureUrl = (name: string): URL => new URL(`../fixtures/libvirt/${name}`, import.meta.url);
const fixture = (name: string): Promise<string> => readFile(fixtureUrl(name), 'utf8');

async function runScript(uri: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', libvirtScript(uri)]);
  return stdout;
}

void test('live: the real virsh against the test driver\'s default node', async () => {
  const report = parseLibvirtOutput(await runScript('test:///default'));
  assert.equal(report.virshFound, true);
  assert.equal(report.error, null);
  assert.equal(report.vms.length, 1);
  assert.deepEqual({ name: report.vms[0]?.name, id: report.vms[0]?.id, state: report.vms[0]?.state }, { name: 'test', id: 1, state: 'running' });
});

void test('live: a test driver node with a running, a paused and a shut-off domain', async () => {
  const uri = `test://${fileURLToPath(fixtureUrl('test-node.xml'))}`;
  const report = parseLibvirtOutput(await runScript(uri));
  assert.equal(report.error, null);
  assert.deepEqual(report.vms.map((vm) => [vm.id, vm.name, vm.state]), [[1, 'web 1', 'running'], [2, 'db', 'paused'], [null, 'spare', 'shutoff']]);
});

void test('captured from real QEMU: list and domstats merged per VM', async () => {
  const report = parseLibvirtOutput(await fixture('qemu-tcg.script-output.txt'));
  assert.equal(report.error, null);
  assert.deepEqual(report.vms.map((vm) => [vm.id, vm.name, vm.state, vm.vcpuCurrent, vm.memoryCurrentKiB]), [
    [1, 'vigil-fixture', 'running', 2, 65536],
    [2, 'vigil-paused', 'paused', 1, 65536],
    [3, 'vigil-net', 'running', 2, 65536],
    [null, 'vigil-off', 'shutoff', 2, 65536],
  ]);
  const net = report.vms.find((vm) => vm.name === 'vigil-net');
  assert.deepEqual([net?.netRxBytes, net?.netTxBytes, net?.cpuTimeNs], [726, 2188, 15_950_000_000]);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report, 'JSON-safe');
});

void test('no daemon: virsh\'s error, no VMs (captured, and live against the system URI)', async () => {
  const captured = parseLibvirtOutput(await fixture('no-daemon.script-output.txt'));
  assert.deepEqual(captured, {
    virshFound: true,
    error: "failed to connect to the hypervisor: Failed to connect socket to '/var/run/libvirt/libvirt-sock-ro': No such file or directory",
    vms: [],
  });
  // A test URI naming a node file that does not exist fails the same way, on any machine.
  const live = parseLibvirtOutput(await runScript('test:///nonexistent/vigil-node.xml'));
  assert.equal(live.vms.length, 0);
  assert.match(live.error ?? '', /failed to connect to the hypervisor/);
});

void test('without virsh, or cut short', () => {
  assert.deepEqual(parseLibvirtOutput('@@no-virsh\n@@end\n'), { virshFound: false, error: null, vms: [] });
  assert.equal(parseLibvirtOutput('@@virsh-list\n Id Name State\n').error, 'the script output was cut short');
});

void test('the script is a constant; the URI, the only varying value, travels as data after it and must look like one', async () => {
  assert.ok(libvirtScript().startsWith(`{\n${LIBVIRT_SCRIPT}\n}`));
  assert.ok(libvirtScript().endsWith(`\n${DEFAULT_LIBVIRT_URI}\n@@end-data\n@@vigil-input\n`));
  assert.ok(!LIBVIRT_SCRIPT.includes(DEFAULT_LIBVIRT_URI));
  for (const uri of ["qemu:///system'; reboot; '", 'qemu:///system $(id)', 'qemu:///sys tem', '', 'not a uri']) {
    assert.throws(() => libvirtScript(uri), /is not a libvirt URI/, uri);
  }
  for (const uri of ['qemu+ssh://root@kvm1.example/system', 'qemu:///session', 'xen:///system', 'test:///default']) await run('sh', ['-n', '-c', libvirtScript(uri)]);
  await run('busybox', ['sh', '-n', '-c', libvirtScript()]);
});

void test('a list without virsh\'s table is no listing: an error, not "no domains"', () => {
  const report = parseLibvirtOutput('@@virsh-list\n<html>oops</html>\n1 x running\n@@status 0\n@@virsh-domstats\n@@status 0\n@@end\n');
  assert.equal(report.error, 'virsh list printed no table of domains: "<html>oops</html>"');
  // An empty table is a listing of none.
  assert.deepEqual(parseLibvirtOutput('@@virsh-list\n Id   Name   State\n--------------------\n\n@@status 0\n@@virsh-domstats\n\n@@status 0\n@@end\n'), { virshFound: true, error: null, vms: [] });
});
