// A vSphere inventory in the pipeline's shape, and the default rules on a VM's synthetic sample:
// each VM is evaluated as a host of its own (as services/evaluator does, through childResults).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import { DEFAULT_ALERTS } from '../../lib/alerting/default-alerts.ts';
import { createFleetState, evaluatePollResult } from '../../lib/alerting/evaluate-poll-result.ts';
import { childResults } from '../../lib/poll/child-results.ts';
import type { PollSuccess } from '../../lib/poll/poll-messages.ts';
import type { VsphereHypervisor, VsphereInventory, VsphereVm } from '../../lib/vsphere/vsphere-inventory.ts';
import { vsphereSamples } from '../../lib/vsphere/vsphere-sample.ts';

const T0 = Date.UTC(2026, 10, 1);
const GIB = 1024 ** 3;

const esx: VsphereHypervisor = {
  id: 'host-1', name: 'esx1', powerState: 'poweredOn', connectionState: 'connected', cpuCores: 16, cpuMhzPerCore: 2000, cpuUsedMhz: 8000,
  cpuPct: 25, memoryTotalBytes: 256 * GIB, memoryUsedBytes: 64 * GIB, memoryPct: 25, uptimeSec: 86_400,
};

function vm(fields: Partial<VsphereVm> = {}): VsphereVm {
  return {
    id: 'vm-1', name: 'web', powerState: 'poweredOn', hypervisor: 'esx1', hypervisorId: 'host-1', guestIp: '10.0.0.7', cpuCount: 4,
    cpuCapacityMhz: 8000, cpuUsedMhz: 7920, cpuPct: 99, memoryTotalBytes: 8 * GIB, memoryUsedBytes: 7.6 * GIB, memoryPct: 95, uptimeSec: 3600,
    disks: [
      { path: '/', capacityBytes: 100 * GIB, freeBytes: 3 * GIB, usedPct: 97 },
      { path: '/data', capacityBytes: 500 * GIB, freeBytes: 400 * GIB, usedPct: 20 },
      // Tools that report no free space: not a filesystem figure to alert on.
      { path: '/mnt/x', capacityBytes: 10 * GIB, freeBytes: null, usedPct: null },
    ],
    ...fields,
  };
}

function poll(ts: number, inventory: VsphereInventory, seq = 1): PollSuccess {
  const { sample, children } = vsphereSamples('vc1', ts, 'VMware vCenter Server 8.0.2 build-1', inventory);
  return { host: 'vc1', seq, scheduledAt: ts - 100, startedAt: ts - 80, finishedAt: ts, kind: 'sample', sample, children };
}

void test('the parent sums its connected hypervisors; a VM\'s sample has its CPU, memory and guest filesystems', () => {
  const off = vm({ id: 'vm-2', name: 'old', powerState: 'poweredOff', guestIp: null, cpuUsedMhz: null, cpuPct: null, memoryUsedBytes: null, memoryPct: null, uptimeSec: null, disks: [] });
  const standby: VsphereHypervisor = { ...esx, id: 'host-2', name: 'esx2', powerState: 'standBy', cpuUsedMhz: null, cpuPct: null, memoryUsedBytes: null, memoryPct: null, uptimeSec: null };
  const result = poll(T0, { hypervisors: [esx, standby], vms: [vm(), off] });
  assert.equal(result.sample.cpuCount, 16, 'the standby hypervisor adds no capacity');
  assert.equal(result.sample.cpuBusyPct, 25);
  assert.equal(result.sample.memUsedPct, 25);
  assert.equal(result.sample.uptimeSec, null);
  assert.equal(result.sample.facts?.osName, 'VMware vCenter Server 8.0.2 build-1');

  const [h1, h2, web, old] = result.children ?? [];
  assert.equal(h1?.sample.host, 'vc1/esx1');
  assert.equal(h1?.sample.bootTime, T0 - 86_400_000);
  assert.equal(h1?.down, undefined);
  assert.deepEqual(h2?.down, { reason: 'standBy', message: 'vSphere reports hypervisor esx2 standBy' });
  assert.equal(web?.sample.host, 'vc1/web');
  assert.equal(web?.runsOn, 'vc1/esx1');
  assert.equal(web?.address, '10.0.0.7');
  assert.equal(web?.sample.memAvailableBytes, 8 * GIB - 7.6 * GIB);
  assert.deepEqual(web?.sample.filesystems.map((fs) => [fs.mount, fs.sizeBytes, fs.usedBytes, fs.availableBytes, fs.usedPct]), [
    ['/', 100 * GIB, 97 * GIB, 3 * GIB, 97],
    ['/data', 500 * GIB, 100 * GIB, 400 * GIB, 20],
  ]);
  assert.equal(web?.sample.diskUsedPctMax, 97);
  assert.equal(web?.sample.uptimeSec, 3600);
  assert.equal(web?.sample.bootTime, T0 - 3_600_000);
  assert.equal(old?.sample.uptimeSec, null);
  assert.equal(old?.sample.bootTime, null);
  assert.deepEqual(old?.down, { reason: 'powered-off', message: 'vSphere reports VM old poweredOff' });
  assert.equal(old?.sample.cpuBusyPct, null);
  assert.equal(old?.sample.diskUsedPctMax, null);
});

void test('the default rules fire on a VM as on a host: cpu_busy, memory_used, filesystem_used of its guest disk', () => {
  const fleet = createFleetState();
  const hosts = new Map();
  const events: AlertEvent[] = [];
  const off = vm({ id: 'vm-2', name: 'old', powerState: 'poweredOff', guestIp: null, cpuUsedMhz: null, cpuPct: null, memoryUsedBytes: null, memoryPct: null, uptimeSec: null, disks: [] });
  // Three polls a minute apart: longer than cpu_busy's and memory_used's two minutes.
  for (let i = 0; i <= 3; i++) {
    const result = poll(T0 + i * 60_000, { hypervisors: [esx], vms: [vm(), off] }, i + 1);
    events.push(...evaluatePollResult(fleet, result, DEFAULT_ALERTS, hosts, { downAfter: 3 }));
    for (const { result: child } of childResults(result)) events.push(...evaluatePollResult(fleet, child, DEFAULT_ALERTS, hosts, { downAfter: 3 }));
  }
  const firing = events.filter((e) => e.state === 'firing').map((e) => [e.rule, e.host, e.labels['mount'] ?? null, e.severity]);
  assert.deepEqual(firing.sort(), [
    ['cpu_busy', 'vc1/web', null, 'critical'],
    ['filesystem_used', 'vc1/web', '/', 'critical'],
    ['memory_used', 'vc1/web', null, 'warning'],
  ].sort());
  // Switched off on purpose: no host_down, nothing at all for it.
  assert.deepEqual(events.filter((e) => e.host === 'vc1/old'), []);
});

void test('a VM whose uptime went back rebooted: the reboot rule fires for it, not for its vCenter', () => {
  const fleet = createFleetState();
  const hosts = new Map();
  const quiet = { hypervisors: [esx], vms: [vm({ cpuUsedMhz: 800, cpuPct: 10, memoryUsedBytes: GIB, memoryPct: 12.5, disks: [] })] };
  const events: AlertEvent[] = [];
  for (const [i, uptimeSec] of [3600, 3660, 20].entries()) {
    const inventory = { ...quiet, vms: quiet.vms.map((v) => ({ ...v, uptimeSec })) };
    const result = poll(T0 + i * 60_000, inventory, i + 1);
    for (const { result: child } of childResults(result)) events.push(...evaluatePollResult(fleet, child, DEFAULT_ALERTS, hosts, { downAfter: 3 }));
  }
  const firing = events.filter((e) => e.state === 'firing');
  assert.deepEqual(firing.map((e) => [e.rule, e.host, e.startsAt]), [['reboot', 'vc1/web', T0 + 120_000 - 20_000]]);
});
