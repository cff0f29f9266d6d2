// The worker's vSphere path against govmomi's real vCenter simulator: a poll job of a
// `vigil_source: vsphere` host gives the vCenter's own sample and one child entry per hypervisor
// and VM, over one login kept across polls; failures come back as results with stable reasons.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startVcsim } from '../support/vcsim.ts';
import type { Vcsim } from '../support/vcsim.ts';
import { toHostTarget } from '../../lib/inventory/to-host-target.ts';
import type { PollJob, PollResult, PollSuccess } from '../../lib/poll/poll-messages.ts';
import { pollFromSource } from '../../services/worker/poll-source.ts';
import type { CommandRunner } from '../../services/worker/command-runner.ts';
import { VspherePoller } from '../../services/worker/vsphere-poller.ts';
import { VsphereSession } from '../../lib/vsphere/vsphere-session.ts';
import type { XmlElement } from '../../lib/vsphere/xml-reader.ts';

let vcsim: Vcsim;

before(async () => {
  vcsim = await startVcsim({ guestInfo: true });
});

after(async () => {
  await vcsim?.stop();
});

function job(sim: { url: string; user: string; password: string }, extra: Record<string, unknown> = {}): PollJob {
  const target = toHostTarget({
    name: 'vc1',
    groups: ['vcenters'],
    vars: { vigil_source: 'vsphere', vigil_vsphere_url: sim.url, vigil_vsphere_user: sim.user, vigil_vsphere_password: sim.password, ...extra },
  }, { inventoryDir: '/tmp', defaultUser: 'vigil' });
  assert.ok(target);
  return { target, seq: 1, scheduledAt: Date.now(), expiresAt: Date.now() + 60_000 };
}

/** The text of every element named `name` anywhere below `element`. */
function textsNamed(element: XmlElement, name: string): string[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child.text] : []), ...textsNamed(child, name)]);
}

function success(result: PollResult): PollSuccess {
  assert.equal(result.kind, 'sample', JSON.stringify(result));
  return result as PollSuccess;
}

void test('a poll gives the vCenter\'s sample and one child entry per hypervisor and VM, named under it', async () => {
  const poller = new VspherePoller({ timeoutMs: 10_000 });
  try {
    const result = success(await poller.poll(job(vcsim)));
    assert.equal(result.host, 'vc1');
    assert.equal(result.sample.host, 'vc1');
    assert.equal(result.sample.source, 'vsphere');
    assert.match(result.sample.facts?.osName ?? '', /^VMware vCenter Server/);
    const children = result.children ?? [];
    assert.deepEqual(children.map((c) => [c.kind, c.sample.host]), [
      ['hypervisor', 'vc1/DC0_C0_H0'], ['hypervisor', 'vc1/DC0_C0_H1'], ['hypervisor', 'vc1/DC0_C0_H2'], ['hypervisor', 'vc1/DC0_H0'],
      ['vm', 'vc1/DC0_C0_RP0_VM0'], ['vm', 'vc1/DC0_C0_RP0_VM1'], ['vm', 'vc1/DC0_H0_VM0'], ['vm', 'vc1/DC0_H0_VM1'],
    ]);
    const hypervisors = children.filter((c) => c.kind === 'hypervisor');
    // The parent's CPU count is the sum of its hypervisors' cores.
    assert.equal(result.sample.cpuCount, hypervisors.reduce((sum, h) => sum + (h.sample.cpuCount ?? 0), 0));
    for (const h of hypervisors) {
      assert.equal(h.powerState, 'poweredOn');
      assert.equal(h.down, undefined);
      assert.ok(h.sample.uptimeSec !== null && h.sample.uptimeSec > 0);
      assert.ok(h.sample.memUsedPct !== null && h.sample.memUsedPct > 0 && h.sample.memUsedPct < 100);
      assert.equal(h.sample.ts, result.sample.ts);
    }
    // The VM the simulator's -guest-info fills in as VMware Tools would.
    const vm0 = children.find((c) => c.sample.host === 'vc1/DC0_C0_RP0_VM0');
    assert.ok(vm0);
    assert.equal(vm0.address, '192.0.2.10');
    assert.match(vm0.runsOn ?? '', /^vc1\/DC0_C0_H[0-2]$/);
    assert.equal(vm0.sample.cpuBusyPct, 24.98);
    assert.equal(vm0.sample.cpuCount, 1);
    assert.equal(vm0.sample.memUsedPct, 25);
    assert.equal(vm0.sample.memTotalBytes, 32 * 1024 * 1024);
    assert.deepEqual(vm0.sample.filesystems.map((fs) => [fs.mount, fs.usedPct]), [['/', 60], ['/var/lib/data', 10]]);
    for (const fs of vm0.sample.filesystems) assert.equal(fs.usedBytes + fs.availableBytes, fs.sizeBytes);
    assert.equal(vm0.sample.diskUsedPctMax, 60);
    assert.equal(children.find((c) => c.sample.host === 'vc1/DC0_H0_VM0')?.runsOn, 'vc1/DC0_H0');
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result, 'crosses the queue as JSON');

    // The second poll reuses the login.
    success(await poller.poll({ ...job(vcsim), seq: 2 }));
    assert.equal(poller.logins, 1);
    assert.equal(poller.openSessions, 1);
  } finally {
    await poller.close();
  }
  assert.equal(poller.openSessions, 0);
  const afterClose = await poller.poll(job(vcsim));
  assert.equal(afterClose.kind === 'failure' && afterClose.message, "host 'vc1': the worker is stopping");
});

void test('a session the server dropped is replaced by one new login and the poll still succeeds', async () => {
  const poller = new VspherePoller({ timeoutMs: 10_000 });
  try {
    success(await poller.poll(job(vcsim)));
    // Another client terminating every other session is what a vCenter restart or expiry looks like.
    const admin = await VsphereSession.open({ url: vcsim.url, tls: { verify: 'system' }, timeoutMs: 10_000 }, { user: vcsim.user, password: vcsim.password });
    try {
      const sessions = await admin.client.call('RetrievePropertiesEx', admin.serviceContent.propertyCollector,
        '<specSet><propSet><type>SessionManager</type><pathSet>sessionList</pathSet></propSet>'
        + `<objectSet><obj type="SessionManager">${admin.serviceContent.sessionManager.value}</obj></objectSet></specSet><options></options>`);
      const keys = textsNamed(sessions, 'key');
      assert.ok(keys.length >= 2, `session keys in ${JSON.stringify(sessions).slice(0, 400)}`);
      const mine = await admin.client.call('RetrievePropertiesEx', admin.serviceContent.propertyCollector,
        '<specSet><propSet><type>SessionManager</type><pathSet>currentSession</pathSet></propSet>'
        + `<objectSet><obj type="SessionManager">${admin.serviceContent.sessionManager.value}</obj></objectSet></specSet><options></options>`);
      const own = textsNamed(mine, 'key')[0];
      const others = keys.filter((k) => k !== own);
      await admin.client.call('TerminateSession', admin.serviceContent.sessionManager, others.map((k) => `<sessionId>${k}</sessionId>`).join(''));
    } finally {
      await admin.close();
    }
    const again = success(await poller.poll({ ...job(vcsim), seq: 2 }));
    assert.equal(again.children?.length, 8);
    assert.equal(poller.logins, 2);
  } finally {
    await poller.close();
  }
});

void test('a wrong password is auth-failed, named by host, the password never shown', async () => {
  const poller = new VspherePoller({ timeoutMs: 10_000 });
  try {
    const result = await poller.poll(job(vcsim, { vigil_vsphere_password: 'wrong-password' }));
    assert.equal(result.kind, 'failure');
    if (result.kind !== 'failure') return;
    assert.equal(result.reason, 'auth-failed');
    assert.match(result.message, /^host 'vc1': /);
    assert.doesNotMatch(result.message, /wrong-password/);
    assert.equal(poller.openSessions, 0);
  } finally {
    await poller.close();
  }
});

void test('a stopped simulator is refused; through pollFromSource (no worker poller) as well', async () => {
  const gone = await startVcsim();
  const stoppedJob = job(gone);
  const poller = new VspherePoller({ timeoutMs: 5_000 });
  try {
    success(await poller.poll(stoppedJob));
    await gone.stop();
    const result = await poller.poll({ ...stoppedJob, seq: 2 });
    assert.equal(result.kind === 'failure' && result.reason, 'refused', JSON.stringify(result));
    assert.match(result.kind === 'failure' ? result.message : '', /^host 'vc1': /);
  } finally {
    await poller.close();
  }
  const noRunner = {} as CommandRunner; // never used: a vSphere host has no SSH.
  const once = await pollFromSource(noRunner, { ...stoppedJob, seq: 3 }, undefined);
  assert.equal(once.result.kind === 'failure' && once.result.reason, 'refused');
  const live = await pollFromSource(noRunner, job(vcsim), undefined);
  assert.equal(success(live.result).children?.length, 8);
  assert.equal(live.snapshot?.source, 'vsphere');
});
