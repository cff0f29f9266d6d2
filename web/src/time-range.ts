// The host page's time range: a preset that follows the clock ("the last 24 hours"), or a fixed
// span chosen with the custom inputs or by dragging across a chart.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface RangePreset {
  id: string;
  label: string;
  ms: number;
}

export const RANGE_PRESETS: readonly RangePreset[] = [
  { id: '1h', label: '1 h', ms: HOUR_MS },
  { id: '6h', label: '6 h', ms: 6 * HOUR_MS },
  { id: '24h', label: '24 h', ms: DAY_MS },
  { id: '7d', label: '7 d', ms: 7 * DAY_MS },
  { id: '30d', label: '30 d', ms: 30 * DAY_MS },
  { id: '90d', label: '90 d', ms: 90 * DAY_MS },
];

export type TimeRange = { kind: 'preset'; preset: RangePreset } | { kind: 'fixed'; fromMs: number; toMs: number };

export const DEFAULT_RANGE: TimeRange = { kind: 'preset', preset: RANGE_PRESETS[0] ?? { id: '1h', label: '1 h', ms: HOUR_MS } };

/** The shortest span a zoom may narrow to: a few raw samples at the usual 10 s interval. */
export const MIN_SPAN_MS = 60_000;

/** The API refuses longer ranges. */
export const MAX_SPAN_MS = 400 * DAY_MS;

export interface ResolvedRange {
  fromMs: number;
  toMs: number;
  /** New samples extend it: the range ends now and moves with the clock. */
  follows: boolean;
}

export function resolveRange(range: TimeRange, nowMs: number): ResolvedRange {
  if (range.kind === 'preset') return { fromMs: nowMs - range.preset.ms, toMs: nowMs, follows: true };
  return { fromMs: range.fromMs, toMs: range.toMs, follows: false };
}

export function presetById(id: string): RangePreset | undefined {
  return RANGE_PRESETS.find((preset) => preset.id === id);
}

/**
 * A fixed range from two instants in either order, widened around its middle to MIN_SPAN_MS when
 * narrower; null when either is not a number or the span is over MAX_SPAN_MS.
 */
export function fixedRange(aMs: number, bMs: number): TimeRange | null {
  if (!Number.isFinite(aMs) || !Number.isFinite(bMs)) return null;
  let fromMs = Math.min(aMs, bMs);
  let toMs = Math.max(aMs, bMs);
  if (toMs - fromMs > MAX_SPAN_MS) return null;
  if (toMs - fromMs < MIN_SPAN_MS) {
    const middle = (fromMs + toMs) / 2;
    fromMs = middle - MIN_SPAN_MS / 2;
    toMs = middle + MIN_SPAN_MS / 2;
  }
  return { kind: 'fixed', fromMs: Math.floor(fromMs), toMs: Math.ceil(toMs) };
}

/** Value of an <input type="datetime-local"> (local time, to the minute) for an instant. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The instant an <input type="datetime-local"> value names, in local time; NaN when empty or invalid. */
export function fromLocalInput(value: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return Number.NaN;
  // Without a zone designator, Date parses a date-time as local time.
  return new Date(value).getTime();
}
