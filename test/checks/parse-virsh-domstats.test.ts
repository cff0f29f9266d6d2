import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { domainStateFromNumber, parseVirshDomstats } from '../../lib/collect/parse-virsh-domstats.ts';

const fixture = (name: string): Promise<string> => readFile(new URL(`../fixtures/libvirt/${name}`, import.meta.url), 'utf8');

void test('the test driver reports only the state: every other figure is null', async () => {
  assert.deepEqual(parseVirshDomstats(await fixture('test-driver-default.domstats.txt')), [{
    name: 'test', state: 'running', cpuTimeNs: null, vcpuCurrent: null, vcpuMaximum: null, memoryCurrentKiB: null,
    memoryMaximumKiB: null, memoryRssKiB: null, memoryAvailableKiB: null, memoryUsableKiB: null, disks: [], interfaces: [],
    blockReadBytes: null, blockWriteBytes: null,
    netRxBytes: null, netTxBytes: null,
  }]);
});

void test('real QEMU domains: cpu time, vCPUs, balloon, disks and NICs', async () => {
  const domains = parseVirshDomstats(await fixture('qemu-tcg.script-output.txt'));
  assert.deepEqual(domains.map((domain) => `${domain.name} ${domain.state}`), [
    'vigil-off shutoff', 'vigil-net running', 'vigil-paused paused', 'vigil-fixture running',
  ]);
  const [off, net, paused, fixture1] = domains;
  assert.deepEqual(fixture1, {
    name: 'vigil-fixture', state: 'running', cpuTimeNs: 8_470_000_000, vcpuCurrent: 2, vcpuMaximum: 2,
    memoryCurrentKiB: 65536, memoryMaximumKiB: 65536, memoryRssKiB: 45444,
    // SeaBIOS runs no balloon driver: nothing the guest reports itself.
    memoryAvailableKiB: null, memoryUsableKiB: null,
    disks: [{ name: 'vda', readBytes: 512, writeBytes: 0, capacityBytes: 8_388_608 }],
    // A user-mode NIC: net.count=1 but no host device and no figures.
    interfaces: [],
    blockReadBytes: 512, blockWriteBytes: 0, netRxBytes: null, netTxBytes: null,
  });
  assert.deepEqual(net?.interfaces, [{ name: 'vigtap0', rxBytes: 726, txBytes: 2188 }]);
  assert.equal(net?.netRxBytes, 726);
  assert.equal(net?.netTxBytes, 2188);
  assert.equal(net?.blockReadBytes, null, 'no disk');
  assert.equal(paused?.vcpuCurrent, 1);
  // A domain never started: figures from its definition, no running-only ones.
  assert.equal(off?.memoryRssKiB, null);
  assert.deepEqual(off?.disks, [{ name: 'vda', readBytes: null, writeBytes: null, capacityBytes: 8_388_608 }]);
  assert.equal(off?.blockReadBytes, null);
});

void test('several disks and NICs are summed; a name with quotes runs to the last quote', () => {
  const text = [
    "Domain: 'it's mine'",
    '  state.state=7',
    '  block.count=2',
    '  block.0.name=vda',
    '  block.0.rd.bytes=1000',
    '  block.0.wr.bytes=2000',
    '  block.1.name=vdb',
    '  block.1.rd.bytes=500',
    '  block.1.wr.bytes=750',
    '  net.count=2',
    '  net.0.name=vnet0',
    '  net.0.rx.bytes=8000',
    '  net.0.tx.bytes=9000',
    '  net.1.name=vnet1',
    '  net.1.rx.bytes=1000',
    '  net.1.tx.bytes=2000',
    '',
  ].join('\n');
  const [domain] = parseVirshDomstats(text);
  assert.equal(domain?.name, "it's mine");
  assert.equal(domain?.state, 'pmsuspended');
  assert.deepEqual([domain?.blockReadBytes, domain?.blockWriteBytes, domain?.netRxBytes, domain?.netTxBytes], [1500, 2750, 9000, 11000]);
});

void test('state numbers as libvirt numbers them; an unknown one is nostate', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 99].map(domainStateFromNumber), [
    'nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended', 'nostate',
  ]);
});

void test('the guest\'s own memory figures, when its balloon driver reports them', () => {
  const [domain] = parseVirshDomstats([
    "Domain: 'app'",
    '  state.state=1',
    '  balloon.current=4194304',
    '  balloon.maximum=4194304',
    '  balloon.unused=1048576',
    '  balloon.available=4028416',
    '  balloon.usable=2621440',
    '  balloon.rss=4200000',
  ].join('\n'));
  assert.deepEqual([domain?.memoryCurrentKiB, domain?.memoryAvailableKiB, domain?.memoryUsableKiB], [4194304, 4028416, 2621440]);
});

void test('lying figures: not finite, negative or absurd counts are null or bounded, never NaN or a huge loop', () => {
  const [domain] = parseVirshDomstats([
    "Domain: 'liar'",
    `  cpu.time=${'9'.repeat(400)}`,
    '  balloon.current=-5',
    '  vcpu.current=NaN',
    '  block.count=1000000000',
    '  net.count=Infinity',
    '  block.0.rd.bytes=12',
  ].join('\n'));
  assert.equal(domain?.cpuTimeNs, null);
  assert.equal(domain?.memoryCurrentKiB, null);
  assert.equal(domain?.vcpuCurrent, null);
  assert.ok((domain?.disks.length ?? 0) <= 4096);
  assert.equal(domain?.blockReadBytes, 12);
  assert.deepEqual(domain?.interfaces, []);
});
