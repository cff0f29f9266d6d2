// A systemd unit in the failed state, one alert per unit, as Checkmk's systemd summary and the
// node_exporter rule everyone copies (node_systemd_unit_state{state="failed"} == 1) watch it.
// A failed unit stays failed until it starts again or is reset, so the alert needs no `for`
// by default. It is a threshold on "listed as failed" (1), so `for` and per-unit overrides
// (`items`, keyed by the unit's name) work as for any threshold.
import type { AlertRule } from './alerts-config.ts';
import { evaluateThreshold, singleLevelRule } from './evaluate-threshold.ts';
import type { ThresholdState } from './evaluate-threshold.ts';
import type { MetricValue } from './evaluate-metric.ts';
import { subjectOf } from './rule-state.ts';
import type { AlertContext, Evaluation } from './rule-state.ts';

/**
 * One value per failed unit, labelled by it; null when the sample does not say (a light poll,
 * a host without systemctl, a node_exporter sample), which keeps the alerts as they are. An
 * empty list means no unit is failed: the alerts of those that were resolve.
 */
export function failedUnitValues(failedUnits: readonly string[] | null | undefined): MetricValue[] | null {
  if (failedUnits === null || failedUnits === undefined) return null;
  return [...new Set(failedUnits)].map((unit) => ({ labels: { unit }, value: 1 }));
}

export function evaluateUnitFailed(state: ThresholdState, value: number | null, rule: AlertRule, ctx: AlertContext): Evaluation<ThresholdState> {
  return evaluateThreshold(state, value, singleLevelRule(rule, 'warning', 'above', 0), ctx, () => subjectOf(rule, ctx.labels));
}
