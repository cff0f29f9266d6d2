import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unmonitoredSpans } from '../../lib/availability/unmonitored-spans.ts';
import type { AvailabilityEpisode } from '../../lib/db/queries/select-availability-inputs.ts';

const episode = (host: string, kind: AvailabilityEpisode['kind'], startedAt: number, endedAt: number | null): AvailabilityEpisode => ({
  host, kind, rule: kind === 'host-down' ? 'host_down' : 'check_failing', check: kind === 'host-down' ? null : 'http', startedAt, endedAt,
});

void test('unmonitoredSpans: the host-down episodes of every bastion on the way, not their failing checks nor other hosts\'', () => {
  const byHost = new Map<string, AvailabilityEpisode[]>([
    ['outer', [episode('outer', 'host-down', 10, 20), episode('outer', 'check-failing', 0, null)]],
    ['inner', [episode('inner', 'host-down', 15, null)]],
    ['elsewhere', [episode('elsewhere', 'host-down', 0, 5)]],
  ]);
  assert.deepEqual(unmonitoredSpans(['outer', 'inner'], byHost).map((e) => [e.host, e.startedAt, e.endedAt]), [['outer', 10, 20], ['inner', 15, null]]);
  assert.deepEqual(unmonitoredSpans([], byHost), []);
  assert.deepEqual(unmonitoredSpans(['never-down'], byHost), []);
});
