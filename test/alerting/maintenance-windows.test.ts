import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isInMaintenance, maintenanceIntervals, parseMaintenanceWindows } from '../../lib/alerting/maintenance-windows.ts';

// 2025-03-02 is a Sunday.
const at = (iso: string): number => Date.parse(iso);

void describe('maintenance windows', () => {
  void test('a weekly window in UTC covers its hours on its days only', () => {
    const { windows, problems } = parseMaintenanceWindows([{ days: ['sun'], start: '02:00', end: '04:00', timezone: 'UTC' }]);
    assert.deepEqual(problems, []);
    assert.equal(isInMaintenance(windows, at('2025-03-02T01:59:59Z')), false);
    assert.equal(isInMaintenance(windows, at('2025-03-02T02:00:00Z')), true);
    assert.equal(isInMaintenance(windows, at('2025-03-02T03:59:59Z')), true);
    assert.equal(isInMaintenance(windows, at('2025-03-02T04:00:00Z')), false);
    assert.equal(isInMaintenance(windows, at('2025-03-03T02:30:00Z')), false, 'Monday');
  });

  void test('a time zone shifts the window, daylight saving included', () => {
    const { windows } = parseMaintenanceWindows([{ days: ['sunday'], start: '02:00', end: '04:00', timezone: 'Europe/Berlin' }]);
    // Winter: UTC+1.
    assert.equal(isInMaintenance(windows, at('2025-03-02T01:30:00Z')), true);
    assert.equal(isInMaintenance(windows, at('2025-03-02T03:30:00Z')), false);
    // Summer: UTC+2.
    assert.equal(isInMaintenance(windows, at('2025-06-01T00:30:00Z')), true);
    assert.equal(isInMaintenance(windows, at('2025-06-01T02:30:00Z')), false);
  });

  void test('a window past midnight belongs to the day it starts on', () => {
    const { windows } = parseMaintenanceWindows({ days: ['sat'], start: '22:00', end: '02:00' });
    assert.equal(isInMaintenance(windows, at('2025-03-01T23:00:00Z')), true, 'Saturday night');
    assert.equal(isInMaintenance(windows, at('2025-03-02T01:00:00Z')), true, 'early Sunday');
    assert.equal(isInMaintenance(windows, at('2025-03-02T23:00:00Z')), false, 'Sunday night');
    assert.equal(isInMaintenance(windows, at('2025-03-01T01:00:00Z')), false, 'early Saturday');
  });

  void test('no days means every day; 24:00 ends at midnight', () => {
    const { windows } = parseMaintenanceWindows([{ start: '00:00', end: '24:00' }]);
    assert.equal(isInMaintenance(windows, at('2025-03-04T12:00:00Z')), true);
    assert.equal(isInMaintenance(windows, at('2025-03-05T23:59:00Z')), true);
  });

  void test('bad entries are left out with a reason; good ones still count', () => {
    const { windows, problems } = parseMaintenanceWindows([
      { days: ['sun'], start: '2am', end: '04:00' },
      { days: ['someday'], start: '02:00', end: '04:00' },
      { start: '02:00', end: '04:00', timezone: 'Mars/Olympus' },
      'nightly',
      { start: '25:00', end: '04:00' },
      { days: ['mon'], start: '09:00', end: '10:00' },
    ]);
    assert.equal(windows.length, 1);
    assert.equal(problems.length, 5);
    assert.match(problems[0] ?? '', /window 1: start and end must be times as HH:MM/);
    assert.match(problems[1] ?? '', /window 2: days must be/);
    assert.match(problems[2] ?? '', /unknown time zone "Mars\/Olympus"/);
    assert.match(problems[3] ?? '', /window 4 must be an object/);
    assert.match(problems[4] ?? '', /window 5/);
  });

  void test('a one-time window: from and until as local times of its zone, as YAML timestamps, or a date alone', () => {
    const { windows, problems } = parseMaintenanceWindows([{ from: '2026-11-28 22:00', until: '2026-11-29 03:00', timezone: 'Europe/Berlin' }]);
    assert.deepEqual(problems, []);
    // Berlin is UTC+1 in November.
    assert.deepEqual(windows, [{ once: true, fromMs: at('2026-11-28T21:00:00Z'), untilMs: at('2026-11-29T02:00:00Z') }]);
    assert.equal(isInMaintenance(windows, at('2026-11-28T20:59:59Z')), false);
    assert.equal(isInMaintenance(windows, at('2026-11-28T21:00:00Z')), true);
    assert.equal(isInMaintenance(windows, at('2026-11-29T01:59:59Z')), true);
    assert.equal(isInMaintenance(windows, at('2026-11-29T02:00:00Z')), false);
    // As the inventory's YAML reader hands timestamps on (Python's isoformat), with or without an offset.
    const forms = parseMaintenanceWindows([
      { from: '2026-11-28T22:00:00', until: '2026-11-28T23:00:00', timezone: 'Europe/Berlin' },
      { from: '2026-11-28T22:00:00+05:30', until: '2026-11-28T23:00:00Z', timezone: 'Europe/Berlin' },
      { from: '2026-12-24', until: '2026-12-27' },
    ]);
    assert.deepEqual(forms.problems, []);
    assert.deepEqual(forms.windows.map((w) => ('once' in w ? [new Date(w.fromMs).toISOString(), new Date(w.untilMs).toISOString()] : null)), [
      ['2026-11-28T21:00:00.000Z', '2026-11-28T22:00:00.000Z'],
      ['2026-11-28T16:30:00.000Z', '2026-11-28T23:00:00.000Z'],
      ['2026-12-24T00:00:00.000Z', '2026-12-27T00:00:00.000Z'],
    ]);
  });

  void test('a one-time window across daylight saving: a skipped local time moves forward by the gap, a repeated one is its first', () => {
    const instant = (from: string): string => {
      const [window] = parseMaintenanceWindows([{ from, until: '2027-01-01 00:00', timezone: 'Europe/Berlin' }]).windows;
      return window && 'once' in window ? new Date(window.fromMs).toISOString() : 'none';
    };
    assert.equal(instant('2026-03-29 01:59'), '2026-03-29T00:59:00.000Z');
    // 02:00-03:00 does not exist that night: 02:30 is taken as 03:30 CEST.
    assert.equal(instant('2026-03-29 02:30'), '2026-03-29T01:30:00.000Z');
    assert.equal(instant('2026-03-29 03:00'), '2026-03-29T01:00:00.000Z');
    // 02:00-03:00 happens twice on 25 October: the first, still CEST.
    assert.equal(instant('2026-10-25 02:30'), '2026-10-25T00:30:00.000Z');
    assert.equal(instant('2026-10-25 03:00'), '2026-10-25T02:00:00.000Z');
  });

  void test('a one-time window that cannot be read is left out with its reason', () => {
    const { windows, problems } = parseMaintenanceWindows([
      { from: '2026-11-29 03:00', until: '2026-11-28 22:00' },
      { from: 'Saturday night', until: '2026-11-29 03:00' },
      { from: '2026-02-30 01:00', until: '2026-03-01 03:00' },
      { from: '2026-11-28 22:00' },
      { from: '2026-11-28 22:00', until: '2026-11-29 03:00', days: ['sat'] },
      { from: '2026-11-28 22:00', until: '2026-11-29 03:00', timezone: 'Mars/Olympus' },
      { from: '2026-11-28 22:00', until: '2026-11-28 23:00' },
    ]);
    assert.equal(windows.length, 1);
    assert.deepEqual(problems, [
      'maintenance window 1: until must be after from',
      'maintenance window 2: from and until must both be dates and times as 2026-11-28 22:00 (a date alone is its midnight), got "Saturday night" and "2026-11-29 03:00"',
      'maintenance window 3: from and until must both be dates and times as 2026-11-28 22:00 (a date alone is its midnight), got "2026-02-30 01:00" and "2026-03-01 03:00"',
      'maintenance window 4: from and until must both be dates and times as 2026-11-28 22:00 (a date alone is its midnight), got "2026-11-28 22:00" and undefined',
      'maintenance window 5: a window with from and until takes no days (a weekly window has days, start and end instead)',
      'maintenance window 6: unknown time zone "Mars/Olympus"',
    ]);
  });

  void test('maintenanceIntervals joins one-time windows with the weekly ones, clipped to the period', () => {
    const { windows } = parseMaintenanceWindows([
      { days: ['sun'], start: '02:00', end: '04:00' },
      // Overlaps Sunday's weekly window and runs on: one span.
      { from: '2025-03-02 03:00', until: '2025-03-02 06:00' },
      // Starts before the period.
      { from: '2025-02-20 00:00', until: '2025-03-01 01:00' },
      // Long over.
      { from: '2024-01-01 00:00', until: '2024-01-02 00:00' },
    ]);
    assert.deepEqual(maintenanceIntervals(windows, at('2025-03-01T00:00:00Z'), at('2025-03-10T00:00:00Z')), [
      [at('2025-03-01T00:00:00Z'), at('2025-03-01T01:00:00Z')],
      [at('2025-03-02T02:00:00Z'), at('2025-03-02T06:00:00Z')],
      [at('2025-03-09T02:00:00Z'), at('2025-03-09T04:00:00Z')],
    ]);
    // Only one-time windows: no walk needed, still clipped.
    const once = parseMaintenanceWindows([{ from: '2025-03-02 03:00', until: '2025-03-02 06:00' }]).windows;
    assert.deepEqual(maintenanceIntervals(once, at('2025-03-02T04:00:00Z'), at('2025-03-10T00:00:00Z')), [[at('2025-03-02T04:00:00Z'), at('2025-03-02T06:00:00Z')]]);
  });

  void test('absent or null is no windows and no problems', () => {
    assert.deepEqual(parseMaintenanceWindows(undefined), { windows: [], problems: [] });
    assert.deepEqual(parseMaintenanceWindows(null), { windows: [], problems: [] });
    assert.equal(isInMaintenance([], Date.now()), false);
  });

  void test('maintenanceIntervals lists the spans a week of windows covers, merged, clipped to the period', () => {
    const { windows } = parseMaintenanceWindows([
      { days: ['sun'], start: '02:00', end: '04:00', timezone: 'UTC' },
      { days: ['sun'], start: '03:30', end: '05:00', timezone: 'UTC' },
      { days: ['sat'], start: '23:00', end: '01:00', timezone: 'UTC' },
    ]);
    const spans = maintenanceIntervals(windows, at('2025-03-01T00:00:00Z'), at('2025-03-02T04:30:00Z'));
    assert.deepEqual(spans.map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()]), [
      ['2025-03-01T23:00:00.000Z', '2025-03-02T01:00:00.000Z'],
      ['2025-03-02T02:00:00.000Z', '2025-03-02T04:30:00.000Z'],
    ]);
    assert.deepEqual(maintenanceIntervals([], at('2025-03-01T00:00:00Z'), at('2025-03-08T00:00:00Z')), []);
  });

  void test('maintenanceIntervals agrees with isInMaintenance minute by minute over a month, time zones and odd starts included', () => {
    const { windows } = parseMaintenanceWindows([
      { days: ['tue', 'fri'], start: '01:17', end: '02:03', timezone: 'America/New_York' },
      { start: '23:45', end: '00:15', timezone: 'Asia/Kolkata' },
    ]);
    // Mid-minute start, over March 2025 when New York changes to daylight saving time (the 9th).
    const from = at('2025-03-01T00:00:30Z');
    const to = at('2025-04-01T00:00:00Z');
    const spans = maintenanceIntervals(windows, from, to);
    const inSpans = (ms: number): boolean => spans.some(([a, b]) => ms >= a && ms < b);
    let minutes = 0;
    for (let ms = at('2025-03-01T00:01:00Z'); ms < to; ms += 60_000) {
      assert.equal(inSpans(ms), isInMaintenance(windows, ms), new Date(ms).toISOString());
      minutes++;
    }
    assert.equal(minutes, 31 * 24 * 60 - 1);
    // Kolkata's window every day (31) and New York's on the 8 Tuesdays and Fridays of March 2025.
    assert.equal(spans.length, 39);
  });

  void test('the walk agrees with isInMaintenance minute by minute across spring and autumn changes of both hemispheres, a half-hour one included', () => {
    const { windows } = parseMaintenanceWindows([
      // 02:00-03:00 local does not exist on Berlin's spring change day and happens twice in autumn.
      { start: '02:15', end: '03:15', timezone: 'Europe/Berlin' },
      { days: ['sun'], start: '01:30', end: '02:30', timezone: 'America/New_York' },
      { start: '02:00', end: '02:45', timezone: 'Australia/Sydney' },
      // Lord Howe Island moves its clocks by 30 minutes.
      { days: ['sat', 'sun'], start: '01:45', end: '02:15', timezone: 'Australia/Lord_Howe' },
      { start: '23:50', end: '00:20', timezone: 'Asia/Kathmandu' },
    ]);
    // March 2025 (New York the 9th, Berlin the 30th) to early April (Sydney and Lord Howe the 6th);
    // late September to early November (the same zones the other way).
    for (const [fromText, toText] of [['2025-03-05T00:00:00Z', '2025-04-10T00:00:00Z'], ['2025-09-30T00:00:00Z', '2025-11-05T00:00:00Z']] as const) {
      const from = at(fromText);
      const to = at(toText);
      const spans = maintenanceIntervals(windows, from, to);
      let i = 0;
      let covered = 0;
      for (let ms = from; ms < to; ms += 60_000) {
        while (i < spans.length && (spans[i]?.[1] ?? 0) <= ms) i++;
        const inSpan = i < spans.length && (spans[i]?.[0] ?? Infinity) <= ms;
        assert.equal(inSpan, isInMaintenance(windows, ms), new Date(ms).toISOString());
        if (inSpan) covered++;
      }
      assert.ok(covered > 36 * 60, `${covered} minutes covered from ${fromText}`);
    }
    // Berlin's autumn change (26 October 2025, 03:00 CEST back to 02:00 CET, at 01:00 UTC): 02:15-03:00
    // CEST is 00:15-01:00 UTC; the clock reads 02:00-02:15 again (out of the window), then 02:15-03:15 CET is 01:15-02:15 UTC.
    const berlin = maintenanceIntervals([windows[0] as (typeof windows)[number]], at('2025-10-26T00:00:00Z'), at('2025-10-26T03:00:00Z'));
    assert.deepEqual(berlin.map(([a, b]) => [new Date(a).toISOString().slice(11, 16), new Date(b).toISOString().slice(11, 16)]), [['00:15', '01:00'], ['01:15', '02:15']]);
    // Spring (30 March 2025): 02:00-03:00 does not exist; 03:00-03:15 CEST (01:00-01:15 UTC) is all there is.
    const spring = maintenanceIntervals([windows[0] as (typeof windows)[number]], at('2025-03-30T00:00:00Z'), at('2025-03-30T03:00:00Z'));
    assert.deepEqual(spring.map(([a, b]) => [new Date(a).toISOString().slice(11, 16), new Date(b).toISOString().slice(11, 16)]), [['01:00', '01:15']]);
  });
});
