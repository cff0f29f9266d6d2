import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dailyAvailability } from '../../lib/availability/daily-availability.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TODAY = Date.parse('2025-03-10T00:00:00Z');

void test('dailyAvailability: a figure per UTC day, oldest first, today so far last; null before the subject existed', () => {
  const now = TODAY + 6 * HOUR;
  // Down from 22:00 the day before yesterday to 02:00 yesterday, and for the last hour.
  const outages = [{ startedAt: TODAY - DAY - 2 * HOUR, endedAt: TODAY - DAY + 2 * HOUR }, { startedAt: now - HOUR, endedAt: null }];
  const days = dailyAvailability(outages, [], { since: TODAY - 3 * DAY + 12 * HOUR, until: null, now }, 5);
  assert.deepEqual(days.map((d) => [d.day, d.ratio === null ? null : Math.round(d.ratio * 10_000) / 10_000, d.downMs / HOUR]), [
    ['2025-03-06', null, 0],
    ['2025-03-07', 1, 0], // seen from noon: half a day counted, all up
    ['2025-03-08', 0.9167, 2],
    ['2025-03-09', 0.9167, 2],
    ['2025-03-10', 0.8333, 1], // 1 h of the 6 so far
  ]);
});
