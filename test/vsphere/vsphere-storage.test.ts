// A vCenter's poll stored end to end: the worker's real poll of govmomi's simulator goes through
// applyPollResults, its hypervisors and VMs become hosts of their own with their parent set, the
// inventory sync keeps them while the parent stays and removes them with it; on PostgreSQL and PGlite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureSamplePartitions } from '../../lib/db/ensure-sample-partitions.ts';
import { applyPollResults } from '../../lib/db/queries/apply-poll-results.ts';
import { listHosts } from '../../lib/db/queries/list-hosts.ts';
import { syncInventoryHosts } from '../../lib/db/queries/sync-inventory-hosts.ts';
import { toHostTarget } from '../../lib/inventory/to-host-target.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import type { PollJob, PollSuccess } from '../../lib/poll/poll-messages.ts';
import { VspherePoller } from '../../services/worker/vsphere-poller.ts';
import { createTestDatabase } from '../support/test-database.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { startVcsim } from '../support/vcsim.ts';
import type { Vcsim } from '../support/vcsim.ts';

let vcsim: Vcsim;
let target: HostTarget;
const polls: PollSuccess[] = [];

before(async () => {
  vcsim = await startVcsim({ guestInfo: true });
  const built = toHostTarget({
    name: 'vc1',
    groups: ['vcenters'],
    vars: { vigil_source: 'vsphere', vigil_vsphere_url: vcsim.url, vigil_vsphere_user: vcsim.user, vigil_vsphere_password: vcsim.password },
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
      .select(['name', 'parent', 'status', 'status_reason', 'status_message', 'power_state', 'runs_on', 'address', 'connection', 'removed_at', 'os_name'])
      .orderBy('name')
      .execute();

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
      const shifted = (seq: number, ts: number): PollSuccess => ({
        ...late, seq, finishedAt: ts, sample: { ...late.sample, ts }, children: (late.children ?? []).map((c) => ({ ...c, sample: { ...c.sample, ts } })),
      });
      await applyPollResults(testDb.db, [shifted(4, lateTs)], { downAfter: 3 });
      assert.ok((await rows()).every((row) => row.removed_at !== null));

      const back = await syncInventoryHosts(testDb.db, [target]);
      assert.deepEqual(back.added, ['vc1']);
      await applyPollResults(testDb.db, [shifted(5, lateTs + 10_000)], { downAfter: 3 });
      assert.ok((await rows()).every((row) => row.removed_at === null));
    });
  });
}
