import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostOverview } from '../../lib/db/queries/list-hosts.ts';
import { NO_FILTER, NO_POLL_RESULT, filterHosts, groupsOf, mergeHosts, sortHosts, statusNote } from '../../web/src/host-rows.ts';

function host(name: string, over: Partial<HostOverview> & { cpu?: number | null; rx?: number | null } = {}): HostOverview {
  const { cpu = null, rx = null, ...rest } = over;
  return {
    name, address: `${name}.example`, groups: [], status: 'up', statusReason: null, statusMessage: null, lastSampleAt: null, removed: false,
    latest: cpu === null && rx === null ? null : {
      ts: 0, cpuBusyPct: cpu, memUsedPct: null, diskUsedPctMax: null, netRxBytesPerSec: rx, netTxBytesPerSec: rx === null ? null : 1,
      load1: null, uptimeSec: null, memTotalBytes: null,
    },
    ...rest,
  };
}

const HOSTS = [
  host('web-10', { groups: ['web', 'prod'], cpu: 50, rx: 100 }),
  host('web-2', { groups: ['web'], cpu: 90, rx: 10 }),
  host('db-1', { groups: ['db', 'prod'], status: 'down' }),
  host('new-1', { status: 'unknown', address: '10.0.0.7' }),
  host('old-1', { groups: ['web'], removed: true, cpu: 5 }),
];
const names = (hosts: HostOverview[]) => hosts.map((h) => h.name);

void test('filters by group, status (removed counts as its own) and text in name, address or group', () => {
  assert.deepEqual(names(filterHosts(HOSTS, NO_FILTER)), names(HOSTS));
  assert.deepEqual(names(filterHosts(HOSTS, { ...NO_FILTER, group: 'prod' })), ['web-10', 'db-1']);
  assert.deepEqual(names(filterHosts(HOSTS, { ...NO_FILTER, status: 'up' })), ['web-10', 'web-2']);
  assert.deepEqual(names(filterHosts(HOSTS, { ...NO_FILTER, status: 'removed' })), ['old-1']);
  assert.deepEqual(names(filterHosts(HOSTS, { ...NO_FILTER, text: ' WEB-1 ' })), ['web-10']);
  assert.deepEqual(names(filterHosts(HOSTS, { ...NO_FILTER, text: '10.0.0' })), ['new-1']);
  assert.deepEqual(names(filterHosts(HOSTS, { group: 'web', status: 'up', text: '2' })), ['web-2']);
  assert.deepEqual(groupsOf(HOSTS), ['db', 'prod', 'web']);
});

void test('sorts names naturally, status with down first, figures with blanks last either way', () => {
  assert.deepEqual(names(sortHosts(HOSTS, { key: 'name', direction: 'asc' })), ['db-1', 'new-1', 'old-1', 'web-2', 'web-10']);
  assert.deepEqual(names(sortHosts(HOSTS, { key: 'name', direction: 'desc' })), ['web-10', 'web-2', 'old-1', 'new-1', 'db-1']);
  assert.deepEqual(names(sortHosts(HOSTS, { key: 'status', direction: 'asc' })), ['db-1', 'new-1', 'web-2', 'web-10', 'old-1']);
  assert.deepEqual(names(sortHosts(HOSTS, { key: 'cpu', direction: 'desc' })), ['web-2', 'web-10', 'old-1', 'db-1', 'new-1']);
  assert.deepEqual(names(sortHosts(HOSTS, { key: 'cpu', direction: 'asc' })), ['old-1', 'web-10', 'web-2', 'db-1', 'new-1']);
  assert.deepEqual(names(sortHosts(HOSTS, { key: 'net', direction: 'desc' })), ['web-10', 'web-2', 'db-1', 'new-1', 'old-1']);
  assert.deepEqual(names(sortHosts(HOSTS, { key: 'groups', direction: 'asc' })), ['db-1', 'old-1', 'web-2', 'web-10', 'new-1']);
});

void test('the trend column sorts by each sparkline\'s mean', () => {
  const lines = new Map<string, (number | null)[]>([['web-2', [10, 20]], ['db-1', [80, null]], ['web-10', [null, 40]]]);
  assert.deepEqual(names(sortHosts(HOSTS, { key: 'trend', direction: 'desc' }, lines)), ['db-1', 'web-10', 'web-2', 'new-1', 'old-1']);
});

void test('mergeHosts puts changed hosts in place by name, adds new names, and keeps the unchanged objects', () => {
  const web2 = host('web-2', { status: 'down' });
  const fresh = host('new-2');
  const merged = mergeHosts(HOSTS, [web2, fresh]);
  assert.deepEqual(names(merged), [...names(HOSTS), 'new-2']);
  assert.equal(merged[1], web2);
  assert.equal(merged[1]?.status, 'down');
  for (const i of [0, 2, 3, 4]) assert.equal(merged[i], HOSTS[i], `host ${i} is the same object`);
  assert.equal(HOSTS[1]?.status, 'up', 'the input is not changed');
  assert.deepEqual(names(mergeHosts(HOSTS, [])), names(HOSTS));
});

void test('a child entry follows its parent in every order, ordered among its siblings by the same key', () => {
  const fleet = [
    host('vc1', { cpu: 20 }),
    host('vc1/esx1', { parent: 'vc1', cpu: 30 }),
    host('vc1/app', { parent: 'vc1', cpu: 95, status: 'down' }),
    host('vc1/old', { parent: 'vc1' }),
    host('web-1', { cpu: 60 }),
    host('db-1', { cpu: 10, status: 'down' }),
  ];
  assert.deepEqual(names(sortHosts(fleet, { key: 'cpu', direction: 'desc' })), ['web-1', 'vc1', 'vc1/app', 'vc1/esx1', 'vc1/old', 'db-1']);
  assert.deepEqual(names(sortHosts(fleet, { key: 'cpu', direction: 'asc' })), ['db-1', 'vc1', 'vc1/esx1', 'vc1/app', 'vc1/old', 'web-1']);
  assert.deepEqual(names(sortHosts(fleet, { key: 'name', direction: 'desc' })), ['web-1', 'vc1', 'vc1/old', 'vc1/esx1', 'vc1/app', 'db-1']);
  assert.deepEqual(names(sortHosts(fleet, { key: 'status', direction: 'asc' })), ['db-1', 'vc1', 'vc1/app', 'vc1/esx1', 'vc1/old', 'web-1']);
  // A child whose parent the filters hide takes its own place among the rest.
  const downOnly = filterHosts(fleet, { ...NO_FILTER, status: 'down' });
  assert.deepEqual(names(sortHosts(downOnly, { key: 'cpu', direction: 'desc' })), ['vc1/app', 'db-1']);
});

void test('a removed child entry shows only under the removed filter; a removed inventory host shows as before', () => {
  const fleet = [host('vc1'), host('vc1/gone', { parent: 'vc1', removed: true }), host('vc1/vm', { parent: 'vc1' }), host('old-1', { removed: true })];
  assert.deepEqual(names(filterHosts(fleet, NO_FILTER)), ['vc1', 'vc1/vm', 'old-1']);
  assert.deepEqual(names(filterHosts(fleet, { ...NO_FILTER, text: 'gone' })), []);
  assert.deepEqual(names(filterHosts(fleet, { ...NO_FILTER, status: 'removed' })), ['vc1/gone', 'old-1']);
});

void test('entries whose parents name each other (no such thing is stored) are still all shown, once', () => {
  const looped = [host('a', { parent: 'b' }), host('b', { parent: 'a' }), host('c', { parent: 'c' }), host('d')];
  assert.deepEqual(names(sortHosts(looped, { key: 'name', direction: 'asc' })), ['d', 'a', 'b', 'c']);
});

void test('a VM follows the hypervisor it runs on, under their vCenter; with that hypervisor hidden, its vCenter', () => {
  const fleet = [
    host('vc1', { cpu: 20 }),
    host('vc1/esx1', { parent: 'vc1', cpu: 30 }),
    host('vc1/esx2', { parent: 'vc1', cpu: 10 }),
    host('vc1/app', { parent: 'vc1', runsOn: 'vc1/esx2', cpu: 95, status: 'down' }),
    host('vc1/db', { parent: 'vc1', runsOn: 'vc1/esx1', cpu: 40 }),
    host('vc1/web', { parent: 'vc1', runsOn: 'vc1/esx1', cpu: 50 }),
    host('kvm1', { cpu: 5 }),
    host('kvm1/guest', { parent: 'kvm1', runsOn: 'kvm1', cpu: 1 }),
  ];
  assert.deepEqual(names(sortHosts(fleet, { key: 'cpu', direction: 'desc' })),
    ['vc1', 'vc1/esx1', 'vc1/web', 'vc1/db', 'vc1/esx2', 'vc1/app', 'kvm1', 'kvm1/guest']);
  assert.deepEqual(names(sortHosts(fleet, { key: 'name', direction: 'asc' })),
    ['kvm1', 'kvm1/guest', 'vc1', 'vc1/esx1', 'vc1/db', 'vc1/web', 'vc1/esx2', 'vc1/app']);
  const withoutEsx1 = fleet.filter((h) => h.name !== 'vc1/esx1');
  assert.deepEqual(names(sortHosts(withoutEsx1, { key: 'name', direction: 'asc' })),
    ['kvm1', 'kvm1/guest', 'vc1', 'vc1/db', 'vc1/esx2', 'vc1/app', 'vc1/web']);
});

void test('statusNote: the latest failure with its reason, "no poll result yet" before any poll came back, nothing for a host that is up', () => {
  assert.equal(statusNote(host('a', { status: 'down', statusReason: 'timeout-connect', statusMessage: 'no answer within 10 s' })), 'timeout-connect: no answer within 10 s');
  assert.equal(statusNote(host('a', { status: 'down', statusReason: 'refused' })), 'refused');
  assert.equal(statusNote(host('a', { status: 'unknown' })), NO_POLL_RESULT);
  assert.equal(NO_POLL_RESULT, 'no poll result yet');
  // A failed first poll says why, not that nothing came back.
  assert.equal(statusNote(host('a', { status: 'unknown', statusReason: 'dns', statusMessage: 'no such host' })), 'dns: no such host');
  assert.equal(statusNote(host('a')), null);
});
