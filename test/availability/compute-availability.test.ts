import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeAvailability, mergeSpans } from '../../lib/availability/compute-availability.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-10-01T00:00:00Z');
const period = { from: T0, to: T0 + 30 * DAY, now: T0 + 40 * DAY, since: T0 - DAY, until: null };

void describe('computeAvailability', () => {
  void test('a host never down is 100 % available over the whole period', () => {
    assert.deepEqual(computeAvailability([], [], period), {
      countedMs: 30 * DAY, downMs: 0, maintenanceMs: 0, unmonitoredMs: 0, outages: 0, longestOutageMs: 0, ratio: 1, down: false,
    });
  });

  void test('unmonitored time (its bastion down) is left out as maintenance is, counted apart, and its outages with it', () => {
    const maintenance: Array<[number, number]> = [[T0 + DAY, T0 + DAY + 2 * HOUR]];
    const unmonitored = [
      // Overlaps the maintenance window by an hour: that hour is maintenance.
      { startedAt: T0 + DAY + HOUR, endedAt: T0 + DAY + 4 * HOUR },
      { startedAt: T0 + 5 * DAY, endedAt: T0 + 5 * DAY + HOUR },
      { startedAt: T0 + 5 * DAY + 30 * 60_000, endedAt: T0 + 5 * DAY + 2 * HOUR },
    ];
    // Its own outage, half of it while unmonitored.
    const figures = computeAvailability([{ startedAt: T0 + 5 * DAY + HOUR, endedAt: T0 + 5 * DAY + 3 * HOUR }], maintenance, period, unmonitored);
    assert.equal(figures.maintenanceMs, 2 * HOUR);
    assert.equal(figures.unmonitoredMs, 2 * HOUR + 2 * HOUR);
    assert.equal(figures.countedMs, 30 * DAY - 6 * HOUR);
    assert.equal(figures.downMs, HOUR);
  });

  void test('outages of several rules that overlap count once, clipped to the period', () => {
    const outages = [
      { startedAt: T0 - 2 * HOUR, endedAt: T0 + HOUR }, // began before the period: 1 h of it counts
      { startedAt: T0 + DAY, endedAt: T0 + DAY + 2 * HOUR },
      { startedAt: T0 + DAY + HOUR, endedAt: T0 + DAY + 3 * HOUR }, // a second host-down rule, overlapping
      { startedAt: T0 + 31 * DAY, endedAt: T0 + 32 * DAY }, // after the period
    ];
    const figures = computeAvailability(outages, [], period);
    assert.equal(figures.downMs, 4 * HOUR);
    assert.equal(figures.outages, 2);
    assert.equal(figures.longestOutageMs, 3 * HOUR);
    assert.equal(figures.ratio, 1 - (4 * HOUR) / (30 * DAY));
  });

  void test('an outage going on ends now, and the host is down', () => {
    const now = T0 + 10 * DAY;
    const figures = computeAvailability([{ startedAt: T0 + 9 * DAY, endedAt: null }], [], { ...period, now });
    assert.equal(figures.countedMs, 10 * DAY, 'nothing after now is counted');
    assert.equal(figures.downMs, DAY);
    assert.equal(figures.ratio, 0.9);
    assert.equal(figures.down, true);
  });

  void test('time before the host was first seen or after it left is not counted', () => {
    const figures = computeAvailability([{ startedAt: T0 + 20 * DAY, endedAt: T0 + 21 * DAY }], [], { ...period, since: T0 + 10 * DAY, until: T0 + 20 * DAY + 12 * HOUR });
    assert.equal(figures.countedMs, 10 * DAY + 12 * HOUR);
    assert.equal(figures.downMs, 12 * HOUR);
    assert.equal(figures.down, false);
    const before = computeAvailability([], [], { ...period, since: T0 + 31 * DAY });
    assert.equal(before.countedMs, 0);
    assert.equal(before.ratio, null, 'no figure for a host that did not exist in the period');
  });

  void test('maintenance is left out of the period: down time in it counts neither way', () => {
    const maintenance: Array<[number, number]> = [[T0 + DAY, T0 + DAY + 2 * HOUR], [T0 + 8 * DAY, T0 + 8 * DAY + 2 * HOUR]];
    // Down for 3 hours from the start of the first window: 1 hour of it outside maintenance.
    const figures = computeAvailability([{ startedAt: T0 + DAY, endedAt: T0 + DAY + 3 * HOUR }], maintenance, period);
    assert.equal(figures.maintenanceMs, 4 * HOUR);
    assert.equal(figures.countedMs, 30 * DAY - 4 * HOUR);
    assert.equal(figures.downMs, HOUR);
    assert.equal(figures.longestOutageMs, HOUR);
    assert.equal(figures.outages, 1);
    // An outage wholly inside a window is no outage.
    const planned = computeAvailability([{ startedAt: T0 + 8 * DAY, endedAt: T0 + 8 * DAY + HOUR }], maintenance, period);
    assert.equal(planned.outages, 0);
    assert.equal(planned.ratio, 1);
    assert.deepEqual(maintenance, [[T0 + DAY, T0 + DAY + 2 * HOUR], [T0 + 8 * DAY, T0 + 8 * DAY + 2 * HOUR]], 'the shared list is not changed');
  });

  void test('mergeSpans joins overlapping and touching spans and drops empty ones', () => {
    assert.deepEqual(mergeSpans([[5, 7], [1, 3], [3, 4], [6, 9], [10, 10]]), [[1, 4], [5, 9]]);
  });
});
