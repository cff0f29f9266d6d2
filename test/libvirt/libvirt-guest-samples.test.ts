// The pure mapping of a libvirt host's domains to child entries: names, power states, the down
// reason of a stopped domain, memory, and rates across two polls (CPU from cpu.time, disk and
// network from their counters), with a restarted domain's counters giving no rate, never a negative one.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { parseLibvirtOutput } from '../../lib/checks/libvirt-script.ts';
import type { VirtualMachine } from '../../lib/checks/libvirt-script.ts';
import { libvirtDriver, libvirtGuestSamples, MAX_GUESTS } from '../../lib/libvirt/libvirt-guest-samples.ts';
import type { DomainCounters } from '../../lib/libvirt/libvirt-guest-samples.ts';

const T0 = Date.UTC(2026, 10, 24, 3, 0, 0);

function vm(overrides: Partial<VirtualMachine> = {}): VirtualMachine {
  return {
    name: 'app', id: 7, state: 'running', cpuTimeNs: 10e9, vcpuCurrent: 2, vcpuMaximum: 4, memoryCurrentKiB: 2 * 1024 * 1024,
    memoryMaximumKiB: 4 * 1024 * 1024, memoryRssKiB: 1024 * 1024, memoryAvailableKiB: null, memoryUsableKiB: null,
    disks: [{ name: 'vda', readBytes: 1000, writeBytes: 5000, capacityBytes: 10e9 }, { name: 'vdb', readBytes: 0, writeBytes: 0, capacityBytes: 1e9 }],
    interfaces: [{ name: 'vnet0', rxBytes: 10_000, txBytes: 20_000 }],
    blockReadBytes: 1000, blockWriteBytes: 5000, netRxBytes: 10_000, netTxBytes: 20_000,
    ...overrides,
  };
}

/** No number in the children is NaN or infinite, at any depth. */
function assertFinite(value: unknown, path = 'children'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((item, i) => assertFinite(item, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) assertFinite(item, `${path}.${key}`);
}

void test('real QEMU domains: one entry each under the host, its power state, down for a stopped one, no rates yet', async () => {
  const report = parseLibvirtOutput(await readFile(new URL('../fixtures/libvirt/qemu-tcg.script-output.txt', import.meta.url), 'utf8'));
  const { children, counters, skipped } = libvirtGuestSamples('kvm1', T0, T0 + 50, report.vms, new Map(), libvirtDriver('qemu:///system'));
  assert.equal(skipped, 0);
  assert.deepEqual(children.map((child) => [child.sample.host, child.kind, child.runsOn, child.powerState, child.down?.reason ?? null]), [
    ['kvm1/vigil-fixture', 'vm', 'kvm1', 'running', null],
    ['kvm1/vigil-paused', 'vm', 'kvm1', 'paused', 'paused'],
    ['kvm1/vigil-net', 'vm', 'kvm1', 'running', null],
    ['kvm1/vigil-off', 'vm', 'kvm1', 'shut off', 'powered-off'],
  ]);
  assert.equal(children[3]?.down?.message, 'libvirt reports domain vigil-off shut off');
  const fixture = children[0]?.sample;
  assert.equal(fixture?.ts, T0, "the parent sample's time");
  assert.deepEqual([fixture?.cpuCount, fixture?.memTotalBytes, fixture?.memUsedPct, fixture?.cpuBusyPct], [2, 64 * 1024 * 1024, null, null]);
  assert.equal(fixture?.facts?.osName, 'KVM/QEMU virtual machine');
  assert.equal(fixture?.facts?.hostname, 'vigil-fixture');
  // Only running domains (those with an id) are the base of the next rates.
  assert.deepEqual([...counters.keys()], ['vigil-fixture', 'vigil-paused', 'vigil-net']);
  assertFinite(children);
  assert.deepEqual(JSON.parse(JSON.stringify(children)), children, 'JSON-safe');
});

void test('rates across two polls of one run: CPU % of its vCPUs, disk and network bytes per second', () => {
  const first = libvirtGuestSamples('kvm1', T0, T0, [vm()], new Map(), 'qemu');
  const later = vm({
    cpuTimeNs: 10e9 + 1e9,
    disks: [{ name: 'vda', readBytes: 1000 + 4096, writeBytes: 5000 + 8192, capacityBytes: 10e9 }, { name: 'vdb', readBytes: 0, writeBytes: 0, capacityBytes: 1e9 }],
    interfaces: [{ name: 'vnet0', rxBytes: 10_000 + 2000, txBytes: 20_000 + 500 }],
  });
  const second = libvirtGuestSamples('kvm1', T0 + 2000, T0 + 2000, [later], first.counters, 'qemu');
  const sample = second.children[0]?.sample;
  // 1 s of CPU time in 2 s on 2 vCPUs.
  assert.equal(sample?.cpuBusyPct, 25);
  assert.equal(sample?.diskReadBytesPerSec, 2048);
  assert.equal(sample?.diskWriteBytesPerSec, 4096);
  assert.equal(sample?.netRxBytesPerSec, 1000);
  assert.equal(sample?.netTxBytesPerSec, 250);
  assert.deepEqual(sample?.interfaces, [{ name: 'vnet0', rxBytesPerSec: 1000, txBytesPerSec: 250 }]);
  // QEMU's own threads can push cpu.time past the vCPUs' time: capped at 100 %.
  const busy = libvirtGuestSamples('kvm1', T0 + 3000, T0 + 3000, [vm({ ...later, cpuTimeNs: 10e9 + 1e9 + 3e9 })], second.counters, 'qemu');
  assert.equal(busy.children[0]?.sample.cpuBusyPct, 100);
});

void test('a restarted domain (new id, or counters that went back) has no rate that poll, then rates from its new counters', () => {
  const first = libvirtGuestSamples('kvm1', T0, T0, [vm()], new Map(), 'qemu');
  // Same id but counters lower: libvirt restarted the process under the same id, or the counter wrapped.
  const lower = vm({ cpuTimeNs: 1e9, disks: [{ name: 'vda', readBytes: 10, writeBytes: 10, capacityBytes: 10e9 }], interfaces: [{ name: 'vnet0', rxBytes: 5, txBytes: 5 }] });
  const reset = libvirtGuestSamples('kvm1', T0 + 2000, T0 + 2000, [lower], first.counters, 'qemu');
  const sample = reset.children[0]?.sample;
  assert.deepEqual([sample?.cpuBusyPct, sample?.diskReadBytesPerSec, sample?.netRxBytesPerSec, sample?.interfaces], [null, null, null, []]);
  // A new id: a new run, whatever its counters say.
  const restarted = libvirtGuestSamples('kvm1', T0 + 4000, T0 + 4000, [vm({ id: 8, cpuTimeNs: 5e9 })], reset.counters, 'qemu');
  assert.equal(restarted.children[0]?.sample.cpuBusyPct, null);
  const next = libvirtGuestSamples('kvm1', T0 + 6000, T0 + 6000, [vm({ id: 8, cpuTimeNs: 5e9 + 2e9 })], restarted.counters, 'qemu');
  assert.equal(next.children[0]?.sample.cpuBusyPct, 50);
  // A domain shut off in between keeps no counters: no rate across its stop.
  const off = libvirtGuestSamples('kvm1', T0 + 8000, T0 + 8000, [vm({ id: null, state: 'shutoff' })], next.counters, 'qemu');
  assert.equal(off.counters.size, 0);
  assert.equal(off.children[0]?.down?.reason, 'powered-off');
  assert.equal(off.children[0]?.sample.cpuBusyPct, null);
});

void test('memory: the guest\'s own figures when its balloon driver reports them, else only what it was given', () => {
  const reported = libvirtGuestSamples('kvm1', T0, T0, [vm({ memoryAvailableKiB: 4_000_000, memoryUsableKiB: 1_000_000 })], new Map(), 'qemu');
  const sample = reported.children[0]?.sample;
  assert.deepEqual([sample?.memTotalBytes, sample?.memAvailableBytes, sample?.memUsedPct], [4_000_000 * 1024, 1_000_000 * 1024, 75]);
  const given = libvirtGuestSamples('kvm1', T0, T0, [vm()], new Map(), 'qemu').children[0]?.sample;
  // The host-side RSS is not the guest's use: no percentage from it.
  assert.deepEqual([given?.memTotalBytes, given?.memAvailableBytes, given?.memUsedPct], [2 * 1024 * 1024 * 1024, null, null]);
});

void test('lying figures and names: no NaN, no division by zero vCPUs, odd names and a flood left out', () => {
  const first = libvirtGuestSamples('kvm1', T0, T0, [vm({ vcpuCurrent: 0, vcpuMaximum: 0 })], new Map(), 'test');
  const second = libvirtGuestSamples('kvm1', T0 + 1000, T0 + 1000, [vm({ vcpuCurrent: 0, vcpuMaximum: 0, cpuTimeNs: 20e9 })], first.counters, 'test');
  assert.equal(second.children[0]?.sample.cpuBusyPct, null);
  assert.equal(second.children[0]?.sample.cpuCount, null);
  assert.equal(second.children[0]?.sample.facts?.osName, 'libvirt test virtual machine');
  // The same time twice (a clock that did not move): no rate rather than a division by zero.
  const still = libvirtGuestSamples('kvm1', T0 + 1000, T0 + 1000, [vm({ cpuTimeNs: 30e9 })], second.counters, 'qemu');
  assert.equal(still.children[0]?.sample.cpuBusyPct, null);
  assertFinite([second.children, still.children]);

  const names = libvirtGuestSamples('kvm1', T0, T0, [vm({ name: 'bell\u0007' }), vm({ name: 'x'.repeat(300) }), vm({ name: 'ok' })], new Map(), 'qemu');
  assert.deepEqual(names.children.map((child) => child.sample.host), ['kvm1/ok']);
  assert.equal(names.skipped, 2);
  const flood = Array.from({ length: MAX_GUESTS + 5 }, (_, i) => vm({ name: `vm${i}`, id: i + 1 }));
  const bounded = libvirtGuestSamples('kvm1', T0, T0, flood, new Map<string, DomainCounters>(), 'qemu');
  assert.equal(bounded.children.length, MAX_GUESTS);
  assert.equal(bounded.skipped, 5);
});

void test('the driver named in the facts is the URI\'s scheme', () => {
  assert.deepEqual(['qemu:///system', 'qemu+ssh://root@kvm1/system', 'test:///default', 'xen:///system'].map(libvirtDriver), ['qemu', 'qemu', 'test', 'xen']);
});
