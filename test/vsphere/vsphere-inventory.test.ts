import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseRetrieveResult } from '../../lib/vsphere/parse-retrieve-result.ts';
import type { ObjectContent } from '../../lib/vsphere/parse-retrieve-result.ts';
import { parseSoapResponse } from '../../lib/vsphere/parse-soap-response.ts';
import { inventoryFromObjects } from '../../lib/vsphere/vsphere-inventory.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/vsphere/${name}`, import.meta.url), 'utf8');

function objectsOf(...names: string[]): ObjectContent[] {
  return names.flatMap((name) => {
    const parsed = parseSoapResponse(fixture(name));
    if (parsed.kind !== 'response') throw new Error(`${name} is a fault`);
    return parseRetrieveResult(parsed.element).objects;
  });
}

void test('hypervisors with CPU % = used MHz / (cores × MHz) and memory % of their RAM', () => {
  const { hypervisors } = inventoryFromObjects(objectsOf('retrieve-properties-vpx.xml'));
  assert.deepEqual(hypervisors.map((h) => h.name), ['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2', 'DC0_H0']);
  assert.deepEqual(hypervisors[3], {
    id: 'host-21',
    name: 'DC0_H0',
    powerState: 'poweredOn',
    connectionState: 'connected',
    cpuCores: 2,
    cpuMhzPerCore: 2294,
    cpuUsedMhz: 67,
    cpuPct: 1.46, // 67 / (2 × 2294)
    memoryTotalBytes: 4294430720,
    memoryUsedBytes: 1404 * 1024 * 1024,
    memoryPct: 34.28, // 1404 MiB of 4095.5 MiB
    uptimeSec: 77229,
  });
});

void test('VMs with their hypervisor by name, guest IP, disks and usage against their own ceiling', () => {
  const { vms } = inventoryFromObjects(objectsOf('retrieve-properties-vpx.xml'));
  assert.deepEqual(vms.map((v) => v.name), ['DC0_C0_RP0_VM0', 'DC0_C0_RP0_VM1', 'DC0_H0_VM0', 'DC0_H0_VM1']);
  const [withTools, , standalone] = vms;
  assert.deepEqual(withTools, {
    id: 'vm-63',
    name: 'DC0_C0_RP0_VM0',
    powerState: 'poweredOn',
    hypervisor: 'DC0_C0_H1',
    hypervisorId: 'host-42',
    guestIp: '192.0.2.10',
    cpuCount: 1,
    cpuCapacityMhz: 2294,
    cpuUsedMhz: 573,
    cpuPct: 24.98,
    memoryTotalBytes: 32 * 1024 * 1024,
    memoryUsedBytes: 8 * 1024 * 1024,
    memoryPct: 25,
    uptimeSec: 4242,
    disks: [
      { path: '/', capacityBytes: 10737418240, freeBytes: 4294967296, usedPct: 60 },
      { path: '/var/lib/data', capacityBytes: 53687091200, freeBytes: 48318382080, usedPct: 10 },
    ],
  });
  // The simulator reports a ceiling of 0 MHz for VMs it made up: no percentage rather than NaN or Infinity.
  assert.equal(standalone?.hypervisor, 'DC0_H0');
  assert.equal(standalone?.cpuCapacityMhz, 0);
  assert.equal(standalone?.cpuPct, null);
  assert.equal(standalone?.guestIp, null);
  // The simulator says 0 for an uptime it never set: no figure, not a boot at this instant.
  assert.equal(standalone?.uptimeSec, null);
});

void test('a powered-off VM keeps its size but reports no usage: nulls, and the result is JSON-safe', () => {
  const inventory = inventoryFromObjects(objectsOf('retrieve-properties-vpx-vm-off.xml'));
  const off = inventory.vms.find((v) => v.name === 'DC0_C0_RP0_VM0');
  assert.ok(off);
  assert.equal(off.powerState, 'poweredOff');
  // vCenter (and the simulator) still send the last quick stats: they are not the VM's state now.
  assert.equal(off.cpuUsedMhz, null);
  assert.equal(off.cpuPct, null);
  assert.equal(off.memoryUsedBytes, null);
  assert.equal(off.memoryPct, null);
  assert.equal(off.guestIp, null);
  assert.equal(off.uptimeSec, null);
  assert.equal(off.cpuCount, 1);
  assert.equal(off.memoryTotalBytes, 32 * 1024 * 1024);
  assert.deepEqual(JSON.parse(JSON.stringify(inventory)), inventory);
});

void test('pages join into one inventory; a VM on a host outside the answer has its id but no name', () => {
  const inventory = inventoryFromObjects(objectsOf('retrieve-properties-page1.xml', 'continue-retrieve-properties.xml'));
  assert.deepEqual(inventory.hypervisors.map((h) => [h.name, h.cpuPct, h.memoryPct]), [['esx-07.example.net', 25, 75]]);
  assert.deepEqual(inventory.vms.map((v) => [v.name, v.hypervisor, v.powerState, v.cpuPct, v.memoryPct]), [
    ['old-build-agent', 'esx-07.example.net', 'poweredOff', null, null],
    ['sql-01', 'esx-07.example.net', 'poweredOn', 25, 25],
  ]);
  const sql = inventory.vms[1];
  assert.deepEqual(sql?.disks[1], { path: 'D:\\Data & Logs\\', capacityBytes: 107374182400, freeBytes: null, usedPct: null });

  const orphan = inventoryFromObjects(objectsOf('continue-retrieve-properties.xml'));
  assert.equal(orphan.vms[0]?.hypervisor, null);
  assert.equal(orphan.vms[0]?.hypervisorId, 'host-1034');
});

void test('a disconnected host keeps its hardware but not its stale usage', () => {
  const [host] = objectsOf('retrieve-properties-page1.xml');
  assert.ok(host);
  const disconnected = { ...host, properties: new Map(host.properties) };
  const state = host.properties.get('runtime.connectionState');
  assert.ok(state);
  disconnected.properties.set('runtime.connectionState', { ...state, text: 'notResponding' });
  const [h] = inventoryFromObjects([disconnected]).hypervisors;
  assert.equal(h?.connectionState, 'notResponding');
  assert.equal(h?.cpuCores, 24);
  assert.equal(h?.cpuPct, null);
  assert.equal(h?.memoryPct, null);
  assert.equal(h?.uptimeSec, null);
});
