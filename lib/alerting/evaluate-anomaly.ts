// A value far from its own recent past: more than k standard deviations from the mean of the
// last `window`. The baseline is kept in fixed-size buckets of count, sum and sum of squares, so
// its memory is bounded (288 buckets for any window) however often the host is polled.
import type { AlertRule } from './alerts-config.ts';
import { evaluateThreshold, INITIAL_THRESHOLD_STATE } from './evaluate-threshold.ts';
import type { ThresholdState } from './evaluate-threshold.ts';
import { formatDuration } from './alerts-file.ts';
import { formatValue, subjectOf } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation } from './rule-state.ts';

interface Bucket {
  start: number;
  count: number;
  sum: number;
  sumSquares: number;
}

export interface AnomalyState extends AlertStateBase {
  buckets: Bucket[];
  threshold: ThresholdState;
}

export const INITIAL_ANOMALY_STATE: AnomalyState = { active: null, buckets: [], threshold: INITIAL_THRESHOLD_STATE };

export const DEFAULT_ANOMALY_K = 3;
export const DEFAULT_ANOMALY_WINDOW_MS = 86_400_000;
const BUCKETS_PER_WINDOW = 288;
/** Fewer values than this make no baseline: the first minutes of a host would all be "anomalous". */
export const MIN_BASELINE_VALUES = 30;

export function evaluateAnomaly(state: AnomalyState, value: number | null, rule: AlertRule, ctx: AlertContext): Evaluation<AnomalyState> {
  if (value === null) return { state, events: [] };
  const k = rule.k ?? DEFAULT_ANOMALY_K;
  const windowMs = rule.windowMs ?? DEFAULT_ANOMALY_WINDOW_MS;
  const bucketMs = Math.max(1000, Math.round(windowMs / BUCKETS_PER_WINDOW));
  const bucketStart = ctx.now - (ctx.now % bucketMs);
  const buckets = state.buckets.filter((b) => b.start > ctx.now - windowMs);

  // The baseline is the past: the bucket the value falls in is left out, so that a burst
  // does not raise its own baseline before it is judged.
  let count = 0;
  let sum = 0;
  let sumSquares = 0;
  let oldest = Infinity;
  for (const bucket of buckets) {
    if (bucket.start >= bucketStart) continue;
    count += bucket.count;
    sum += bucket.sum;
    sumSquares += bucket.sumSquares;
    oldest = Math.min(oldest, bucket.start);
  }
  const span = ctx.now - oldest;
  let z: number | null = null;
  let mean = 0;
  if (count >= MIN_BASELINE_VALUES && span >= Math.min(3_600_000, windowMs / 4)) {
    mean = sum / count;
    const deviation = Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
    // A flat baseline (always 0 % swap) would make any change infinitely anomalous.
    const floor = Math.max(deviation, Math.abs(mean) * 0.01, 1e-9);
    z = Math.abs(value - mean) / floor;
  }

  const last = buckets.at(-1);
  const next = last && last.start === bucketStart
    ? [...buckets.slice(0, -1), { ...last, count: last.count + 1, sum: last.sum + value, sumSquares: last.sumSquares + value * value }]
    : [...buckets, { start: bucketStart, count: 1, sum: value, sumSquares: value * value }];

  const severity = rule.severity ?? 'warning';
  const thresholdRule: AlertRule = { ...rule, direction: 'above', levels: { [severity]: k }, recoverAt: rule.recoverAt ?? k };
  const describe = (zValue: number): string =>
    `${subjectOf(rule, ctx.labels)} ${formatValue(value)}${rule.unit ? ` ${rule.unit}` : ''} is ${formatValue(zValue)}σ from its ${formatDuration(windowMs)} mean ${formatValue(mean)}`;
  const evaluated = evaluateThreshold(state.threshold, z === null ? null : Math.round(z * 100) / 100, thresholdRule, ctx, describe);
  return { state: { active: evaluated.state.active, pending: evaluated.state.pending ?? null, buckets: next, threshold: evaluated.state }, events: evaluated.events };
}
