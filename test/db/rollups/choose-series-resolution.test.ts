import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseSeriesResolution } from '../../../lib/db/rollups/choose-series-resolution.ts';

const NOW = Date.parse('2026-11-23T10:30:00.000Z');
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function pick(spanMs: number, endsAgoMs = 0): string {
  return chooseSeriesResolution({ fromMs: NOW - endsAgoMs - spanMs, toMs: NOW - endsAgoMs, nowMs: NOW, rawRetentionDays: 14 });
}

void test('raw samples up to 6 hours, 1-minute rollups up to 8 days, hourly beyond', () => {
  assert.equal(pick(HOUR_MS), 'raw');
  assert.equal(pick(6 * HOUR_MS), 'raw');
  assert.equal(pick(6 * HOUR_MS + 1), '1m');
  assert.equal(pick(DAY_MS), '1m');
  assert.equal(pick(7 * DAY_MS), '1m');
  assert.equal(pick(8 * DAY_MS + 1), '1h');
  assert.equal(pick(90 * DAY_MS), '1h');
  assert.equal(pick(400 * DAY_MS), '1h');
});

void test('a short range reaching past raw retention reads the 1-minute rollups', () => {
  assert.equal(pick(HOUR_MS, 13 * DAY_MS), 'raw');
  assert.equal(pick(HOUR_MS, 14 * DAY_MS), '1m');
  assert.equal(pick(HOUR_MS, 200 * DAY_MS), '1m');
});
