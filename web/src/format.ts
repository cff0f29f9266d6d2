// How figures read in the dashboard. Every function accepts null (no data) and shows a dash for it.

import { formatDuration } from '../../lib/format-duration.ts';

export { formatDuration };

const DASH = '—';
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return `${value.toFixed(value >= 99.95 || value === 0 ? 0 : 1)} %`;
}

/**
 * An availability percentage with the four decimals SLA reports use ("99.9861 %"): at one decimal,
 * a month with 40 minutes down and one without would both read 100 %. Exactly 100 reads "100 %".
 */
export function formatAvailability(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value === 100 ? '100 %' : `${value.toFixed(4)} %`;
}

export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  let scaled = Math.abs(value);
  let unit = 0;
  while (scaled >= 1024 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1024;
    unit++;
  }
  const digits = unit === 0 || scaled >= 100 ? 0 : scaled >= 10 ? 1 : 2;
  return `${value < 0 ? '-' : ''}${scaled.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

export function formatBytesPerSec(value: number | null | undefined): string {
  const bytes = formatBytes(value);
  return bytes === DASH ? DASH : `${bytes}/s`;
}

export function formatLoad(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return value.toFixed(2);
}

/** A count or a rate of events, with k and M as the numbers grow: "850", "12.3k", "1.25M". */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${(value / 1e6).toFixed(magnitude >= 1e8 ? 0 : magnitude >= 1e7 ? 1 : 2)}M`;
  if (magnitude >= 1e4) return `${(value / 1e3).toFixed(magnitude >= 1e5 ? 0 : 1)}k`;
  // Averages of whole counts over a bucket are fractional: one decimal shows them, a whole number needs none.
  return Number.isInteger(value) || magnitude >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function formatCountPerSec(value: number | null | undefined): string {
  const count = formatCount(value);
  return count === DASH ? DASH : `${count}/s`;
}

/** How long ago a millisecond timestamp was, e.g. "12 s ago". */
export function formatAge(tsMs: number | null | undefined, nowMs: number): string {
  if (tsMs === null || tsMs === undefined || !Number.isFinite(tsMs)) return DASH;
  return `${formatDuration((nowMs - tsMs) / 1000)} ago`;
}

/** An ISO 8601 time (or milliseconds) as the reader's local date and time: "2025-03-01 12:04:05". */
export function formatDateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  const date = new Date(typeof value === 'number' ? value : Date.parse(value));
  if (Number.isNaN(date.getTime())) return DASH;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** How long until a time, e.g. "in 3 h 59 min", or "ended" once it has passed. */
export function formatUntil(value: string | number | null | undefined, nowMs: number): string {
  if (value === null || value === undefined) return DASH;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return DASH;
  return ms <= nowMs ? 'ended' : `in ${formatDuration((ms - nowMs) / 1000)}`;
}
