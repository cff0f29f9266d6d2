import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  parseRetrieveResult, propertyGuestDisks, propertyMoRef, propertyNumber, propertyString,
} from '../../lib/vsphere/parse-retrieve-result.ts';
import type { ObjectContent, RetrieveResult } from '../../lib/vsphere/parse-retrieve-result.ts';
import { parseSoapResponse, SoapProtocolError } from '../../lib/vsphere/parse-soap-response.ts';
import { readXml } from '../../lib/vsphere/xml-reader.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/vsphere/${name}`, import.meta.url), 'utf8');

function resultOf(name: string): RetrieveResult {
  const parsed = parseSoapResponse(fixture(name));
  assert.equal(parsed.kind, 'response');
  if (parsed.kind !== 'response') throw new Error('unreachable');
  return parseRetrieveResult(parsed.element);
}

function object(result: RetrieveResult, id: string): ObjectContent {
  const found = result.objects.find((o) => o.obj.value === id);
  assert.ok(found, `${id} in the result`);
  return found;
}

void test('the simulator\'s answer: 4 hosts and 4 VMs, every property typed as asked, no token', () => {
  const result = resultOf('retrieve-properties-vpx.xml');
  assert.equal(result.token, null);
  assert.equal(result.objects.filter((o) => o.obj.type === 'HostSystem').length, 4);
  assert.equal(result.objects.filter((o) => o.obj.type === 'VirtualMachine').length, 4);

  const host = object(result, 'host-21');
  assert.equal(propertyString(host, 'name'), 'DC0_H0');
  assert.equal(propertyString(host, 'runtime.connectionState'), 'connected');
  assert.equal(propertyNumber(host, 'summary.hardware.numCpuCores'), 2);
  assert.equal(propertyNumber(host, 'summary.hardware.memorySize'), 4294430720);
  assert.deepEqual(host.missing, []);

  const vm = object(result, 'vm-63');
  assert.equal(propertyString(vm, 'guest.ipAddress'), '192.0.2.10');
  // xsi:type="ManagedObjectReference" and type="HostSystem" on the same <val>.
  assert.deepEqual(propertyMoRef(vm, 'runtime.host')?.type, 'HostSystem');
  assert.deepEqual(propertyGuestDisks(vm, 'guest.disk'), [
    { path: '/', capacityBytes: 10737418240, freeBytes: 4294967296 },
    { path: '/var/lib/data', capacityBytes: 53687091200, freeBytes: 48318382080 },
  ]);

  // A VM without VMware Tools: no guest.ipAddress at all, and an empty disk array.
  const bare = object(result, 'vm-57');
  assert.equal(propertyString(bare, 'guest.ipAddress'), null);
  assert.equal(propertyNumber(bare, 'guest.ipAddress'), null);
  assert.equal(propertyMoRef(bare, 'guest.ipAddress'), null);
  assert.deepEqual(propertyGuestDisks(bare, 'guest.disk'), []);
  assert.deepEqual(propertyGuestDisks(bare, 'no.such.property'), []);
});

void test('a page with a token, then the last page with a missingSet (vCenter style, by hand)', () => {
  const first = resultOf('retrieve-properties-page1.xml');
  assert.equal(first.token, '2');
  assert.deepEqual(first.objects.map((o) => o.obj), [{ type: 'HostSystem', value: 'host-1034' }, { type: 'VirtualMachine', value: 'vm-2201' }]);
  const vm = object(first, 'vm-2201');
  assert.deepEqual(propertyGuestDisks(vm, 'guest.disk'), [
    { path: 'C:\\', capacityBytes: 19312922624, freeBytes: 15236939776 },
    { path: 'D:\\Data & Logs\\', capacityBytes: 107374182400, freeBytes: null },
  ]);
  assert.deepEqual(propertyMoRef(vm, 'runtime.host'), { type: 'HostSystem', value: 'host-1034' });

  const last = resultOf('continue-retrieve-properties.xml');
  assert.equal(last.token, null);
  const off = object(last, 'vm-2202');
  assert.deepEqual(off.missing, [{ path: 'guest.ipAddress', fault: 'NoPermission' }]);
  assert.equal(propertyString(off, 'guest.ipAddress'), null);
});

void test('an empty result has no returnval; other responses and lying values are protocol errors', () => {
  assert.deepEqual(parseRetrieveResult(readXml('<RetrievePropertiesExResponse/>')), { objects: [], token: null });
  assert.throws(() => parseRetrieveResult(readXml('<LoginResponse/>')), SoapProtocolError);
  assert.throws(() => parseRetrieveResult(readXml('<RetrievePropertiesExResponse><returnval><objects><propSet/></objects></returnval></RetrievePropertiesExResponse>')), /without obj/);
  const lying = parseRetrieveResult(readXml(
    '<RetrievePropertiesExResponse><returnval><objects><obj type="HostSystem">host-1</obj>'
    + '<propSet><name>summary.hardware.cpuMhz</name><val>fast</val></propSet></objects></returnval></RetrievePropertiesExResponse>',
  ));
  const host = lying.objects[0] as ObjectContent;
  assert.throws(() => propertyNumber(host, 'summary.hardware.cpuMhz'), /summary.hardware.cpuMhz of host-1 is not a number/);
});
