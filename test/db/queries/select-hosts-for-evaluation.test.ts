// The evaluator's view of the hosts: bastions and, for vSphere entries, the parent on `via`, so that
// the parent's host_down covers its hypervisors' and VMs' own alerts as a bastion's covers its hosts'.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { selectHostsForEvaluation } from '../../../lib/db/queries/select-hosts-for-evaluation.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

let testDb: TestDatabase;

before(async () => {
  testDb = await createTestDatabase('pglite');
  await testDb.db.insertInto('hosts').values([
    { name: 'vc1', address: 'vc1', connection: 'ssh', groups: '[]', interval_sec: 60, via: '[]' },
    { name: 'vc1/esx-1', address: 'vc1/esx-1', connection: 'vsphere', groups: '[]', interval_sec: 60, parent: 'vc1' },
    { name: 'behind', address: '10.0.0.5', connection: 'ssh', groups: '[]', interval_sec: 10, via: '["bastion"]' },
  ]).execute();
});

after(async () => {
  await testDb?.close();
});

test('a vSphere entry is reached via its parent; a host behind a bastion via the bastion; others directly', async () => {
  const hosts = await selectHostsForEvaluation(testDb.db);
  assert.deepEqual(hosts.get('vc1/esx-1')?.via, ['vc1']);
  assert.deepEqual(hosts.get('behind')?.via, ['bastion']);
  assert.deepEqual(hosts.get('vc1')?.via, []);
});
