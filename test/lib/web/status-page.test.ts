import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AvailabilityEpisode, AvailabilityHost } from '../../../lib/db/queries/select-availability-inputs.ts';
import { buildStatusPage } from '../../../lib/web/status-page.ts';

const NOW = Date.parse('2025-03-01T12:00:00.000Z');
const HOUR = 3_600_000;

const host = (name: string, via: string[] = []): AvailabilityHost => ({
  name, groups: ['web'], createdAt: NOW - 100 * 24 * HOUR, removedAt: null, maintenance: null, targetPct: null, statusName: null, via,
});
const down = (name: string, startedAt: number): AvailabilityEpisode => ({ host: name, kind: 'host-down', rule: 'host_down', check: null, startedAt, endedAt: null });

const build = (hosts: AvailabilityHost[], episodes: AvailabilityEpisode[]) => buildStatusPage([{ group: 'web', hosts, episodes }], {
  title: 'Web', now: NOW, checks: new Map(), maintenance: () => ({ spans: [], now: false, next: null }), incidents: [],
});

void test('the overall state is of the hosts whose state is known: one down and one behind a down bastion is an outage', async () => {
  const page = await build([host('app-1'), host('app-2', ['jump'])], [down('app-1', NOW - HOUR), down('jump', NOW - HOUR)]);
  assert.deepEqual(page.sections[0]?.subjects.map((s) => `${s.name} ${s.state}`), ['app-1 down', 'app-2 unknown']);
  assert.equal(page.overall, 'outage');
});

void test('only hosts behind a down bastion: nothing seen down, operational', async () => {
  const page = await build([host('app-2', ['jump'])], [down('jump', NOW - HOUR)]);
  assert.equal(page.sections[0]?.subjects[0]?.state, 'unknown');
  assert.equal(page.overall, 'operational');
});
