// The inventory question against govmomi's real vCenter simulator (VPX model, see
// /usr/share/gocode/src/github.com/vmware/govmomi/simulator/model.go): 1 datacenter with
// 1 standalone host (DC0_H0) and 1 cluster of 3 hosts (DC0_C0_H0..2); 2 VMs per resource pool,
// so 2 on the standalone host (DC0_H0_VM0/1) and 2 in the cluster's root pool (DC0_C0_RP0_VM0/1).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startVcsim } from '../support/vcsim.ts';
import type { Vcsim } from '../support/vcsim.ts';
import { waitFor } from '../support/wait-for.ts';
import { parseRetrieveResult, propertyString } from '../../lib/vsphere/parse-retrieve-result.ts';
import { moRefElement } from '../../lib/vsphere/soap-request.ts';
import type { MoRef } from '../../lib/vsphere/soap-request.ts';
import { VsphereError } from '../../lib/vsphere/vsphere-failure.ts';
import { VsphereSession } from '../../lib/vsphere/vsphere-session.ts';
import { childNamed } from '../../lib/vsphere/xml-reader.ts';

let vcsim: Vcsim;

before(async () => {
  vcsim = await startVcsim({ guestInfo: true });
});

after(async () => {
  await vcsim?.stop();
});

function open(password = vcsim.password): Promise<VsphereSession> {
  return VsphereSession.open({ url: vcsim.url, tls: { verify: 'system' }, timeoutMs: 10_000 }, { user: vcsim.user, password });
}

void test('the default VPX model: 4 hypervisors and 4 VMs, each VM on the hypervisor vCenter says', async () => {
  const session = await open();
  try {
    assert.match(session.serviceContent.about.fullName, /^VMware vCenter Server 6\.5/);
    assert.equal(session.serviceContent.about.apiType, 'VirtualCenter');
    const { hypervisors, vms } = await session.inventory();
    assert.deepEqual(hypervisors.map((h) => h.name), ['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2', 'DC0_H0']);
    assert.deepEqual(vms.map((v) => v.name), ['DC0_C0_RP0_VM0', 'DC0_C0_RP0_VM1', 'DC0_H0_VM0', 'DC0_H0_VM1']);
    for (const h of hypervisors) {
      assert.equal(h.powerState, 'poweredOn');
      assert.equal(h.connectionState, 'connected');
      assert.equal(h.cpuPct, Math.round((h.cpuUsedMhz as number) / ((h.cpuCores as number) * (h.cpuMhzPerCore as number)) * 10000) / 100);
      assert.ok(h.memoryPct !== null && h.memoryPct > 0 && h.memoryPct < 100, `${h.name} memory ${h.memoryPct}`);
      assert.ok(h.uptimeSec !== null && h.uptimeSec > 0);
    }
    // Standalone VMs run on the standalone host; vCenter places cluster VMs on one of the cluster's.
    const hostOf = new Map(vms.map((v) => [v.name, v.hypervisor]));
    assert.equal(hostOf.get('DC0_H0_VM0'), 'DC0_H0');
    assert.equal(hostOf.get('DC0_H0_VM1'), 'DC0_H0');
    assert.match(hostOf.get('DC0_C0_RP0_VM0') ?? '', /^DC0_C0_H[0-2]$/);
    assert.match(hostOf.get('DC0_C0_RP0_VM1') ?? '', /^DC0_C0_H[0-2]$/);
    for (const vm of vms) {
      assert.equal(vm.powerState, 'poweredOn');
      assert.equal(vm.cpuCount, 1);
      assert.equal(vm.memoryTotalBytes, 32 * 1024 * 1024);
      assert.equal(vm.hypervisorId, hypervisors.find((h) => h.name === vm.hypervisor)?.id);
    }
    // The VM main.go -guest-info fills in as VMware Tools would.
    const tools = vms[0];
    assert.equal(tools?.guestIp, '192.0.2.10');
    assert.equal(tools?.cpuPct, 24.98);
    assert.equal(tools?.memoryPct, 25);
    assert.deepEqual(tools?.disks.map((d) => [d.path, d.usedPct]), [['/', 60], ['/var/lib/data', 10]]);
    // Its uptime (summary.quickStats.uptimeSeconds); the others report 0, which is no figure.
    assert.deepEqual(vms.map((v) => v.uptimeSec), [4242, null, null, null]);
    // A second poll on the same session reuses the view and sees the same.
    assert.deepEqual((await session.inventory()).vms.map((v) => v.id), vms.map((v) => v.id));
  } finally {
    await session.close();
  }
});

void test('a VM powered off through the API (PowerOffVM_Task) shows powered off, its usage null', async () => {
  const session = await open();
  try {
    const before = await session.inventory();
    const target = before.vms.find((v) => v.name === 'DC0_H0_VM1');
    assert.ok(target);
    assert.equal(target.powerState, 'poweredOn');
    assert.equal(target.memoryPct, 0);

    const task = await session.client.call('PowerOffVM_Task', { type: 'VirtualMachine', value: target.id });
    const taskRef = childNamed(task, 'returnval');
    assert.ok(taskRef);
    const state = await waitFor('the power-off task to finish', 30_000, async () => {
      const s = await taskState(session, { type: 'Task', value: taskRef.text });
      return s === 'success' || s === 'error' ? s : undefined;
    });
    assert.equal(state, 'success');

    const after = await session.inventory();
    const off = after.vms.find((v) => v.id === target.id);
    assert.deepEqual(off && {
      powerState: off.powerState, cpuUsedMhz: off.cpuUsedMhz, cpuPct: off.cpuPct, memoryUsedBytes: off.memoryUsedBytes, memoryPct: off.memoryPct, guestIp: off.guestIp,
    }, { powerState: 'poweredOff', cpuUsedMhz: null, cpuPct: null, memoryUsedBytes: null, memoryPct: null, guestIp: null });
    assert.equal(off?.hypervisor, 'DC0_H0');
    assert.equal(off?.memoryTotalBytes, 32 * 1024 * 1024);
    assert.equal(JSON.stringify(after).includes('NaN'), false);
    assert.deepEqual(JSON.parse(JSON.stringify(after)), after);
    // The others are still on.
    assert.deepEqual(after.vms.filter((v) => v.powerState === 'poweredOn').map((v) => v.name), ['DC0_C0_RP0_VM0', 'DC0_C0_RP0_VM1', 'DC0_H0_VM0']);

    await session.client.call('PowerOnVM_Task', { type: 'VirtualMachine', value: target.id });
  } finally {
    await session.close();
  }
});

void test('a wrong password fails the open with auth-failed; close() logs the session out on the server', async () => {
  const error = await open('not-the-password').then(() => assert.fail('logged in with a wrong password'), (e: unknown) => e);
  assert.ok(error instanceof VsphereError);
  assert.equal(error.reason, 'auth-failed');
  assert.equal(error.faultType, 'InvalidLogin');

  const watcher = await open();
  try {
    const before = await sessionCount(watcher);
    const session = await open();
    await session.inventory();
    assert.equal(await sessionCount(watcher), before + 1);
    await session.close();
    assert.equal(session.client.hasSession, false);
    assert.equal(await sessionCount(watcher), before);
  } finally {
    await watcher.close();
  }
});

/** How many sessions the server holds (SessionManager.sessionList). */
async function sessionCount(session: VsphereSession): Promise<number> {
  const result = parseRetrieveResult(await session.client.call('RetrievePropertiesEx', session.serviceContent.propertyCollector,
    `<specSet><propSet><type>SessionManager</type><pathSet>sessionList</pathSet></propSet><objectSet>${moRefElement('obj', session.serviceContent.sessionManager)}</objectSet></specSet><options></options>`));
  const list = result.objects[0]?.properties.get('sessionList');
  assert.ok(list, 'sessionList');
  return list.children.filter((c) => c.name === 'UserSession').length;
}

async function taskState(session: VsphereSession, task: MoRef): Promise<string | null> {
  const result = parseRetrieveResult(await session.client.call('RetrievePropertiesEx', session.serviceContent.propertyCollector,
    `<specSet><propSet><type>Task</type><pathSet>info.state</pathSet></propSet><objectSet>${moRefElement('obj', task)}</objectSet></specSet><options></options>`));
  const object = result.objects[0];
  return object ? propertyString(object, 'info.state') : null;
}
