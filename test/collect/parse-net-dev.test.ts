import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseNetDev } from '../../lib/collect/parse-net-dev.ts';

const gpuNetDev = readFileSync(new URL('../fixtures/hosts/gpu-host-16core/proc-net-dev.txt', import.meta.url), 'utf8');

void test('parses every interface of the GPU host', () => {
  const interfaces = parseNetDev(gpuNetDev);
  assert.deepEqual(interfaces?.map((i) => i.name), ['lo', 'ifb0', 'ifb1', 'eth0']);
  assert.deepEqual(interfaces?.[3], {
    name: 'eth0',
    rxBytes: 625,
    rxPackets: 10,
    rxErrors: 0,
    rxDrops: 0,
    txBytes: 1473,
    txPackets: 18,
    txErrors: 0,
    txDrops: 0,
  });
  assert.equal(interfaces?.[0]?.rxBytes, 6079);
  assert.equal(interfaces?.[0]?.txPackets, 69);
});

void test('reads lines with no space after the colon, as old kernels print huge counters', () => {
  const text = 'eth1:4294967296 7 1 2 0 0 0 0 8589934592 9 3 4 0 0 0 0\n';
  assert.deepEqual(parseNetDev(text), [
    { name: 'eth1', rxBytes: 4294967296, rxPackets: 7, rxErrors: 1, rxDrops: 2, txBytes: 8589934592, txPackets: 9, txErrors: 3, txDrops: 4 },
  ]);
});

void test('skips malformed lines and is null with no interface at all', () => {
  const headerOnly = gpuNetDev.split('\n').slice(0, 2).join('\n');
  assert.equal(parseNetDev(headerOnly), null);
  assert.equal(parseNetDev('eth0: 1 2 3\n'), null);
  assert.deepEqual(parseNetDev(`${gpuNetDev}bad0: 1 2 x 4 5 6 7 8 9 10 11 12 13 14 15 16\n`)?.length, 4);
});
