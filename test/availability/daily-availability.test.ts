import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeAvailability } from '../../lib/availability/compute-availability.ts';
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

void test('dailyAvailability gives what computeAvailability gives for each day, over 500 random histories with unmonitored time (a bastion down)', () => {
  let seed = 42;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let round = 0; round < 500; round++) {
    const now = TODAY + Math.floor(random() * DAY);
    const spans = (count: number, longest: number): Array<[number, number]> => {
      const out: Array<[number, number]> = [];
      for (let i = 0; i < count; i++) {
        const a = now - Math.floor(random() * 12 * DAY);
        out.push([a, a + Math.floor(random() * longest)]);
      }
      return out;
    };
    const outages = spans(Math.floor(random() * 6), 2 * DAY).map(([a, b]) => ({ startedAt: a, endedAt: random() < 0.15 ? null : b }));
    // Sorted and apart, as maintenanceIntervals gives them.
    const maintenance = spans(Math.floor(random() * 6), 6 * HOUR).sort((x, y) => x[0] - y[0]).reduce<Array<[number, number]>>((list, [a, b]) => {
      const last = list[list.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else list.push([a, b]);
      return list;
    }, []);
    const life = { since: now - Math.floor(random() * 14 * DAY), until: random() < 0.2 ? now - Math.floor(random() * 3 * DAY) : null, now };
    // Any order and overlapping, some still open, as a host's bastions' outages come.
    const unmonitored = spans(Math.floor(random() * 4), DAY).map(([a, b]) => ({ startedAt: a, endedAt: random() < 0.15 ? null : b }));
    const days = dailyAvailability(outages, maintenance, life, 10, unmonitored);
    days.forEach((day, i) => {
      const from = Date.parse(`${day.day}T00:00:00Z`);
      assert.equal(from, Math.floor(now / DAY) * DAY - (9 - i) * DAY);
      const expected = computeAvailability(outages, maintenance, { from, to: from + DAY, ...life }, unmonitored);
      const message = `round ${round}, ${day.day}`;
      assert.equal(day.downMs, expected.downMs, message);
      if (expected.ratio === null) assert.equal(day.ratio, null, message);
      else assert.ok(day.ratio !== null && Math.abs(day.ratio - expected.ratio) < 1e-12, message);
    });
  }
});
