// A vCenter's poll stored end to end: the worker's real poll of govmomi's simulator goes through
// applyPollResults, its hypervisors and VMs become hosts of their own with their parent set and
// its interval, the inventory sync keeps them while the parent stays and removes them with it, and
// a VM deleted in the simulator is removed once the vCenter's listings have left it out for 1.5
// intervals, its alerts resolving at the evaluator's next tick; on PostgreSQL and PGlite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureSamplePartitions } from '../../lib/db/ensure-sample-partitions.ts';
import { createFleetState, evaluateFleetTick, evaluatePollResult } from '../../lib/alerting/evaluate-poll-result.ts';
import { defaultAlerts } from '../../lib/alerting/default-alerts.ts';
import { applyPollResults } from '../../lib/db/queries/apply-poll-results.ts';
import { listHosts } from '../../lib/db/queries/list-hosts.ts';
import { selectHostDetail } from '../../lib/db/queries/select-host-detail.ts';
import { MISSING_INTERVALS } from '../../lib/db/queries/remove-missing-children.ts';
import { selectHostsForEvaluation } from '../../lib/db/queries/select-hosts-for-evaluation.ts';
import { syncInventoryHosts } from '../../lib/db/queries/sync-inventory-hosts.ts';
import { toHostTarget } from '../../lib/inventory/to-host-target.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import { childResults } from '../../lib/poll/child-results.ts';
import type { PollJob, PollSuccess } from '../../lib/poll/poll-messages.ts';
import { VsphereSession } from '../../lib/vsphere/vsphere-session.ts';
import { VspherePoller } from '../../services/worker/vsphere-poller.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { startVcsim } from '../support/vcsim.ts';
import type { Vcsim } from '../support/vcsim.ts';
import { waitUntil } from '../support/wait-for.ts';

let vcsim: Vcsim;
let target: HostTarget;
const polls: PollSuccess[] = [];
/** The VM deleted in the simulator after the first two polls, and the poll taken after that. */
const DELETED = 'DC0_C0_RP0_VM0';
let afterDelete: PollSuccess;
const VARS = (sim: Vcsim): Record<string, unknown> => ({
  vigil_source: 'vsphere', vigil_vsphere_url: sim.url, vigil_vsphere_user: sim.user, vigil_vsphere_password: sim.password, vigil_interval: 30,
});

/** Powers the VM off and destroys it, as an operator deleting it in vCenter does; returns once it is gone. */
async function deleteVm(sim: Vcsim, name: string): Promise<void> {
  const session = await VsphereSession.open({ url: sim.url, tls: { verify: 'system' }, timeoutMs: 10_000 }, { user: sim.user, password: sim.password });
  try {
    const vm = (await session.inventory()).vms.find((v) => v.name === name);
    assert.ok(vm, name);
    const self = { type: 'VirtualMachine', value: vm.id };
    await session.client.call('PowerOffVM_Task', self);
    await waitUntil(`${name} to be off`, 30_000, async () => (await session.inventory()).vms.find((v) => v.id === vm.id)?.powerState === 'poweredOff');
    await session.client.call('Destroy_Task', self);
    await waitUntil(`${name} to be gone`, 30_000, async () => (await session.inventory()).vms.every((v) => v.id !== vm.id));
  } finally {
    await session.close();
  }
}

before(async () => {
  vcsim = await startVcsim({ guestInfo: true });
  const built = toHostTarget({
    name: 'vc1',
    groups: ['vcenters'],
    vars: VARS(vcsim),
  }, { inventoryDir: '/tmp', defaultUser: 'vigil' });
  assert.ok(built);
  target = built;
  // Two real polls, taken once and stored in each database.
  const poller = new VspherePoller({ timeoutMs: 10_000 });
  try {
    for (const seq of [1, 2]) {
      const job: PollJob = { target, seq, scheduledAt: Date.now(), expiresAt: Date.now() + 60_000 };
      const result = await poller.poll(job);
      assert.equal(result.kind, 'sample', JSON.stringify(result));
      polls.push(result as PollSuccess);
    }
    await deleteVm(vcsim, DELETED);
    const result = await poller.poll({ target, seq: 3, scheduledAt: Date.now(), expiresAt: Date.now() + 60_000 });
    assert.equal(result.kind, 'sample', JSON.stringify(result));
    afterDelete = result as PollSuccess;
    assert.equal(afterDelete.children?.length, 7, 'the 4 hypervisors and the 3 VMs left');
  } finally {
    await poller.close();
  }
});

after(async () => {
  await vcsim?.stop();
});

for (const kind of ['postgres', 'pglite'] as const) {
  void describe(`a vCenter's poll stored on ${kind}`, () => {
    let testDb: TestDatabase;
    before(async () => {
      testDb = await createTestDatabase(kind);
      await ensureSamplePartitions(testDb.db, Date.now());
    });
    after(async () => testDb?.close());

    const rows = async () => testDb.db
      .selectFrom('hosts')
      .select(['name', 'parent', 'status', 'status_reason', 'status_message', 'power_state', 'runs_on', 'address', 'connection', 'removed_at', 'os_name', 'interval_sec', 'boot_time'])
      .orderBy('name')
      .execute();
    /** `poll` as if taken at `ts`: the parent's sample and every child's carry that time. */
    const shifted = (poll: PollSuccess, seq: number, ts: number): PollSuccess => ({
      ...poll, seq, finishedAt: ts, sample: { ...poll.sample, ts }, children: (poll.children ?? []).map((c) => ({ ...c, sample: { ...c.sample, ts } })),
    });

    void test('the parent and one entry per hypervisor and VM, each with its samples and its parent', async () => {
      await syncInventoryHosts(testDb.db, [target]);
      await applyPollResults(testDb.db, [polls[0] as PollSuccess], { downAfter: 3 });
      // Redelivered with the next poll: stored once.
      await applyPollResults(testDb.db, [polls[0] as PollSuccess, polls[1] as PollSuccess], { downAfter: 3 });
      const stored = await rows();
      assert.deepEqual(stored.map((row) => [row.name, row.parent]), [
        ['vc1', null],
        ['vc1/DC0_C0_H0', 'vc1'], ['vc1/DC0_C0_H1', 'vc1'], ['vc1/DC0_C0_H2', 'vc1'],
        ['vc1/DC0_C0_RP0_VM0', 'vc1'], ['vc1/DC0_C0_RP0_VM1', 'vc1'], ['vc1/DC0_H0', 'vc1'], ['vc1/DC0_H0_VM0', 'vc1'], ['vc1/DC0_H0_VM1', 'vc1'],
      ]);
      for (const row of stored) assert.equal(row.status, 'up', row.name);
      // Sampled at the vCenter's pace (vigil_interval 30), which staleness and no_data expect.
      for (const row of stored) assert.equal(row.interval_sec, 30, row.name);
      const vm0 = stored.find((row) => row.name === 'vc1/DC0_C0_RP0_VM0');
      assert.equal(vm0?.address, '192.0.2.10');
      assert.equal(vm0?.power_state, 'poweredOn');
      assert.equal(vm0?.connection, 'vsphere');
      assert.equal(vm0?.os_name, 'VMware virtual machine');
      assert.match(vm0?.runs_on ?? '', /^vc1\/DC0_C0_H[0-2]$/);
      assert.equal(stored.find((row) => row.name === 'vc1/DC0_H0')?.os_name, 'VMware ESXi');
      assert.match(stored.find((row) => row.name === 'vc1')?.os_name ?? '', /^VMware vCenter Server/);
      const samples = await testDb.db.selectFrom('samples').select(['host', 'cpu_busy_pct', 'disk_used_pct_max']).where('host', '=', 'vc1/DC0_C0_RP0_VM0').execute();
      assert.equal(samples.length, 2);
      assert.equal(samples[0]?.cpu_busy_pct, 24.98);
      assert.equal(samples[0]?.disk_used_pct_max, 60);
      // The simulator's VM uptime (main.go -guest-info), and the boot time it implies.
      const uptimes = await testDb.db.selectFrom('samples').select(['ts', 'uptime_sec']).where('host', '=', 'vc1/DC0_C0_RP0_VM0').orderBy('ts').execute();
      assert.deepEqual(uptimes.map((u) => Number(u.uptime_sec)), [4242, 4242]);
      const newest = uptimes[1]?.ts.getTime() ?? 0;
      assert.equal(vm0?.boot_time?.getTime(), Math.round((newest - 4242_000) / 1000) * 1000);

      // The host page's API names the vCenter and the hypervisor; an inventory host has neither.
      const detail = await selectHostDetail(testDb.db, 'vc1/DC0_C0_RP0_VM0');
      assert.deepEqual(detail && [detail.parent, detail.powerState, detail.runsOn], ['vc1', 'poweredOn', vm0?.runs_on]);
      assert.equal(detail?.facts.uptimeSec, 4242);
      const parent = await selectHostDetail(testDb.db, 'vc1');
      assert.deepEqual(parent && [parent.parent, parent.powerState, parent.runsOn], [null, null, null]);

      const overview = await listHosts(testDb.db);
      assert.equal(overview.find((host) => host.name === 'vc1/DC0_H0_VM1')?.parent, 'vc1');
      assert.equal('parent' in (overview.find((host) => host.name === 'vc1') ?? {}), false);
    });

    void test('a powered-off VM is down for that reason, without a failure', async () => {
      const poll = polls[1] as PollSuccess;
      const ts = poll.sample.ts + 10_000;
      const off: PollSuccess = {
        ...poll, seq: 3, finishedAt: ts, sample: { ...poll.sample, ts },
        children: (poll.children ?? []).map((child) => child.sample.host !== 'vc1/DC0_H0_VM1' ? { ...child, sample: { ...child.sample, ts } } : {
          ...child, powerState: 'poweredOff', address: null, sample: { ...child.sample, ts, cpuBusyPct: null, memUsedPct: null },
          down: { reason: 'powered-off', message: 'vSphere reports VM DC0_H0_VM1 poweredOff' },
        }),
      };
      await applyPollResults(testDb.db, [off], { downAfter: 3 });
      const vm = (await rows()).find((row) => row.name === 'vc1/DC0_H0_VM1');
      assert.equal(vm?.status, 'down');
      assert.equal(vm?.status_reason, 'powered-off');
      assert.equal(vm?.power_state, 'poweredOff');
      const failures = await testDb.db.selectFrom('poll_failures').select('host').execute();
      assert.deepEqual(failures, []);
    });

    void test('inventory sync keeps the children while their parent stays, removes them with it, and they return with it', async () => {
      const kept = await syncInventoryHosts(testDb.db, [target]);
      assert.deepEqual(kept.removed, []);
      assert.ok((await rows()).every((row) => row.removed_at === null));

      const gone = await syncInventoryHosts(testDb.db, []);
      assert.equal(gone.removed.length, 9);
      assert.ok((await rows()).every((row) => row.removed_at !== null));
      // A poll in flight when the parent left does not revive its children.
      const late = polls[1] as PollSuccess;
      const lateTs = late.sample.ts + 20_000;
      await applyPollResults(testDb.db, [shifted(late, 4, lateTs)], { downAfter: 3 });
      assert.ok((await rows()).every((row) => row.removed_at !== null));

      const back = await syncInventoryHosts(testDb.db, [target]);
      assert.deepEqual(back.added, ['vc1']);
      await applyPollResults(testDb.db, [shifted(late, 5, lateTs + 10_000)], { downAfter: 3 });
      assert.ok((await rows()).every((row) => row.removed_at === null));
    });

    void test('a VM deleted in vCenter is removed after 1.5 intervals unlisted, its alerts resolve, and it returns if listed again', async () => {
      const deleted = `vc1/${DELETED}`;
      // After the listings of the test above (the newest at the second poll's time + 30 s).
      const lastSeen = (polls[1] as PollSuccess).sample.ts + 60_000;
      // An alert on the VM, raised from the last poll that listed it, as the evaluator would.
      const config = { ...defaultAlerts(), rules: [{ name: 'cpu_busy', kind: 'threshold' as const, metric: 'cpuBusyPct', levels: { warning: 10 }, recoverAt: 5, summary: 'CPU busy', unit: '%' }] };
      const fleet = createFleetState();
      let hosts = await selectHostsForEvaluation(testDb.db);
      const listed = shifted(polls[1] as PollSuccess, 6, lastSeen);
      await applyPollResults(testDb.db, [listed], { downAfter: 3 });
      const fired = childResults(listed).flatMap(({ result }) => evaluatePollResult(fleet, result, config, hosts, { downAfter: 3 }));
      assert.ok(fired.some((e) => e.state === 'firing' && e.host === deleted), JSON.stringify(fired));

      // One listing without it, an interval later: a partial answer is tolerated.
      const intervalMs = 30_000;
      await applyPollResults(testDb.db, [shifted(afterDelete, 7, lastSeen + intervalMs)], { downAfter: 3 });
      assert.ok((await rows()).every((row) => row.removed_at === null));
      // The next one, 1.5 intervals or more since it was last listed: removed, alone.
      const removedAt = lastSeen + Math.ceil(MISSING_INTERVALS * intervalMs);
      await applyPollResults(testDb.db, [shifted(afterDelete, 8, removedAt)], { downAfter: 3 });
      const after = await rows();
      assert.deepEqual(after.filter((row) => row.removed_at !== null).map((row) => [row.name, row.removed_at?.getTime()]), [[deleted, removedAt]]);
      assert.equal((await listHosts(testDb.db)).find((h) => h.name === deleted)?.removed, true);

      // The evaluator's next host refresh leaves it out, and its tick resolves its alert.
      hosts = await selectHostsForEvaluation(testDb.db);
      assert.equal(hosts.has(deleted), false);
      assert.equal(hosts.has('vc1/DC0_C0_RP0_VM1'), true);
      const resolved = evaluateFleetTick(fleet, config, hosts, removedAt + 1000);
      assert.deepEqual(resolved.map((e) => [e.host, e.state]), [[deleted, 'resolved']]);

      // A redelivered older listing changes nothing; a listing naming it again brings it back.
      await applyPollResults(testDb.db, [shifted(afterDelete, 7, lastSeen + intervalMs)], { downAfter: 3 });
      assert.equal((await rows()).find((row) => row.name === deleted)?.removed_at?.getTime(), removedAt);
      await applyPollResults(testDb.db, [shifted(polls[1] as PollSuccess, 9, removedAt + intervalMs)], { downAfter: 3 });
      assert.ok((await rows()).every((row) => row.removed_at === null));
    });

    void test('the children follow their parent\'s interval when the inventory changes it', async () => {
      await syncInventoryHosts(testDb.db, [{ ...target, intervalSec: 60 }]);
      const last = (await rows()).find((row) => row.name === 'vc1');
      assert.equal(last?.interval_sec, 60);
      const newest = await testDb.db.selectFrom('hosts').select((eb) => eb.fn.max('last_sample_at').as('ts')).executeTakeFirstOrThrow();
      const ts = new Date(newest.ts as Date).getTime() + 60_000;
      await applyPollResults(testDb.db, [shifted(polls[1] as PollSuccess, 10, ts)], { downAfter: 3 });
      for (const row of await rows()) assert.equal(row.interval_sec, 60, row.name);
    });
  });
}
