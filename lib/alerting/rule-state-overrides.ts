// The rule as it applies to one host and item: alerts.yml's rule, then its per-item settings,
// then the host's vigil_thresholds for the rule, then the host's settings for the item. The more
// specific wins, key by key, so `{ warning: 95 }` on a mount keeps the rule's critical level.
import type { AlertRule, HostAlerting, RuleOverride } from './alerts-config.ts';

/** null: the rule is switched off for this host or item. */
export function effectiveRule(rule: AlertRule, alerting: HostAlerting | null, item: string): AlertRule | null {
  const host = alerting?.thresholds ? (alerting.thresholds[rule.name] ?? alerting.thresholds[rule.name.replaceAll('-', '_')]) : undefined;
  const layers = [rule.items?.[item], host, host?.items?.[item]].filter((layer): layer is RuleOverride => layer !== undefined);
  if (layers.length === 0) return rule;
  const out: AlertRule = { ...rule, levels: { ...rule.levels } };
  for (const layer of layers) {
    if (layer.enabled === false) return null;
    for (const [severity, level] of Object.entries(layer.levels ?? {})) {
      const levels = out.levels as Record<string, number>;
      if (level === null) delete levels[severity];
      else levels[severity] = level;
    }
    if (layer.recoverAt !== undefined) out.recoverAt = layer.recoverAt;
    if (layer.forMs !== undefined) out.forMs = layer.forMs;
  }
  return out;
}
