import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge, formatAvailability, formatBytes, formatBytesPerSec, formatCount, formatCountPerSec, formatDateTime, formatDuration, formatLoad, formatPercent, formatUntil } from '../../web/src/format.ts';

void test('formatPercent', () => {
  assert.equal(formatPercent(42.345), '42.3 %');
  assert.equal(formatPercent(0), '0 %');
  assert.equal(formatPercent(100), '100 %');
  assert.equal(formatPercent(99.96), '100 %');
  assert.equal(formatPercent(null), '—');
  assert.equal(formatPercent(undefined), '—');
  assert.equal(formatPercent(Number.NaN), '—');
});

void test('formatAvailability: four decimals, so that 99.99 and 99.9999 stay apart; 100 as it is', () => {
  assert.equal(formatAvailability(99.5833), '99.5833 %');
  assert.equal(formatAvailability(99.99), '99.9900 %');
  assert.equal(formatAvailability(100), '100 %');
  assert.equal(formatAvailability(0), '0.0000 %');
  assert.equal(formatAvailability(null), '—');
  assert.equal(formatAvailability(Number.NaN), '—');
});

void test('formatBytes and formatBytesPerSec use binary units', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.00 KiB');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(15 * 1024 * 1024), '15.0 MiB');
  assert.equal(formatBytes(512 * 1024 ** 3), '512 GiB');
  assert.equal(formatBytes(3 * 1024 ** 6), '3072 PiB');
  assert.equal(formatBytesPerSec(2048), '2.00 KiB/s');
  assert.equal(formatBytesPerSec(null), '—');
});

void test('formatLoad', () => {
  assert.equal(formatLoad(0.5), '0.50');
  assert.equal(formatLoad(null), '—');
});

void test('formatDuration shows the largest unit and the next one', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(0.9), '0 s');
  assert.equal(formatDuration(45), '45 s');
  assert.equal(formatDuration(200), '3 min 20 s');
  assert.equal(formatDuration(7200), '2 h');
  assert.equal(formatDuration(7500), '2 h 5 min');
  assert.equal(formatDuration(86_400 + 60), '1 d');
  assert.equal(formatDuration(4 * 86_400 + 3 * 3600 + 5), '4 d 3 h');
  assert.equal(formatDuration(-5), '0 s');
  assert.equal(formatDuration(null), '—');
});

void test('formatAge', () => {
  assert.equal(formatAge(1_000_000, 1_012_500), '12 s ago');
  assert.equal(formatAge(null, 1), '—');
});

void test('formatDateTime shows local date and time, a dash for nothing or nonsense', () => {
  const local = new Date(2025, 2, 1, 9, 4, 5).getTime();
  assert.equal(formatDateTime(local), '2025-03-01 09:04:05');
  assert.equal(formatDateTime(new Date(local).toISOString()), '2025-03-01 09:04:05');
  assert.equal(formatDateTime(null), '—');
  assert.equal(formatDateTime('not a date'), '—');
});

void test('formatUntil counts down to a time and says when it has passed', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  assert.equal(formatUntil('2025-03-01T16:00:00Z', now), 'in 4 h');
  assert.equal(formatUntil(now + 90_000, now), 'in 1 min 30 s');
  assert.equal(formatUntil(now - 1, now), 'ended');
  assert.equal(formatUntil(null, now), '—');
});

void test('formatCount: whole counts plain, averages to one decimal, k and M as the numbers grow', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(3), '3');
  assert.equal(formatCount(2.5), '2.5');
  assert.equal(formatCount(850.4), '850');
  assert.equal(formatCount(9999), '9999');
  assert.equal(formatCount(12_345), '12.3k');
  assert.equal(formatCount(123_456), '123k');
  assert.equal(formatCount(1_250_000), '1.25M');
  assert.equal(formatCount(12_500_000), '12.5M');
  assert.equal(formatCount(-20_000), '-20.0k');
  assert.equal(formatCount(null), '—');
  assert.equal(formatCount(Number.NaN), '—');
  assert.equal(formatCountPerSec(21_072.8), '21.1k/s');
  assert.equal(formatCountPerSec(null), '—');
});
