// "Full within N hours": a least-squares line through a filesystem's used bytes over the recent
// `window`, extended until the free space runs out. Points are thinned to one per window/360 so
// that memory stays bounded, and a fit needs a few points over a fair span before it may fire.
import type { AlertRule } from './alerts-config.ts';
import { formatDuration } from './alerts-file.ts';
import { evaluateThreshold, INITIAL_THRESHOLD_STATE } from './evaluate-threshold.ts';
import type { ThresholdState } from './evaluate-threshold.ts';
import { formatValue, subjectOf } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation } from './rule-state.ts';

interface FillPoint {
  ts: number;
  usedBytes: number;
}

export interface PredictFullState extends AlertStateBase {
  points: FillPoint[];
  threshold: ThresholdState;
}

export const INITIAL_PREDICT_FULL_STATE: PredictFullState = { active: null, points: [], threshold: INITIAL_THRESHOLD_STATE };

export const DEFAULT_PREDICT_WINDOW_MS = 6 * 3_600_000;
const MIN_POINTS = 5;
/** "Never" as a number: events are JSON, which has no Infinity. */
export const NEVER_HOURS = 1e6;

export interface FillLevel {
  usedBytes: number;
  availableBytes: number;
}

export function evaluatePredictFull(state: PredictFullState, level: FillLevel | null, rule: AlertRule, ctx: AlertContext): Evaluation<PredictFullState> {
  if (level === null) return { state, events: [] };
  const windowMs = rule.windowMs ?? DEFAULT_PREDICT_WINDOW_MS;
  const hours = rule.hours ?? 24;
  const spacing = windowMs / 360;
  const kept = state.points.filter((p) => p.ts > ctx.now - windowMs && p.ts < ctx.now);
  const last = kept.at(-1);
  const points = last && ctx.now - last.ts < spacing ? kept : [...kept, { ts: ctx.now, usedBytes: level.usedBytes }];

  let hoursLeft: number | null = null;
  const first = points[0];
  if (first && points.length >= MIN_POINTS && ctx.now - first.ts >= Math.min(1_800_000, windowMs / 4)) {
    const slope = leastSquaresSlope(points);
    hoursLeft = slope > 0 ? Math.min(NEVER_HOURS, level.availableBytes / slope / 3_600_000) : NEVER_HOURS;
  }

  const severity = rule.severity ?? 'warning';
  const thresholdRule: AlertRule = { ...rule, direction: 'below', levels: { [severity]: hours }, recoverAt: rule.recoverAt ?? hours * 1.25 };
  const describe = (left: number): string =>
    `${subjectOf(rule, ctx.labels)} ${hours} h: at the rate of the last ${formatDuration(windowMs)}, full in ${formatValue(left)} h`;
  const evaluated = evaluateThreshold(state.threshold, hoursLeft === null ? null : Math.round(hoursLeft * 100) / 100, thresholdRule, ctx, describe);
  return { state: { active: evaluated.state.active, pending: evaluated.state.pending ?? null, points, threshold: evaluated.state }, events: evaluated.events };
}

/** Bytes per millisecond. Times are taken relative to the first point to keep precision. */
function leastSquaresSlope(points: FillPoint[]): number {
  const t0 = (points[0] as FillPoint).ts;
  const n = points.length;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.ts - t0;
    sy += p.usedBytes;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    const dx = p.ts - t0 - mx;
    num += dx * (p.usedBytes - my);
    den += dx * dx;
  }
  return den === 0 ? 0 : num / den;
}
