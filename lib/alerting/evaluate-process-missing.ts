// A watched process pattern (vigil_processes) that matched no process. It is a threshold below 1
// on the match count, so `for` and per-pattern overrides work as for any threshold.
import type { AlertRule } from './alerts-config.ts';
import { evaluateThreshold, singleLevelRule } from './evaluate-threshold.ts';
import type { ThresholdState } from './evaluate-threshold.ts';
import { subjectOf } from './rule-state.ts';
import type { AlertContext, Evaluation } from './rule-state.ts';

export const DEFAULT_PROCESS_METRIC = 'processes.matches.count';

export function evaluateProcessMissing(state: ThresholdState, count: number | null, rule: AlertRule, ctx: AlertContext): Evaluation<ThresholdState> {
  return evaluateThreshold(state, count, singleLevelRule(rule, 'critical', 'below', 1), ctx, () => `${subjectOf(rule, ctx.labels)}: no process matches`);
}
