import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostOverview } from '../../lib/db/queries/list-hosts.ts';
import { NO_FILTER, filterHosts, groupsOf, mergeHosts, sortHosts } from '../../web/src/host-rows.ts';

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
