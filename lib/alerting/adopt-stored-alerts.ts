// The evaluator keeps rule state in memory, but the alerts it reported live on in the alerts
// table. A rule ends only an alert it knows of, so after a restart a pending or firing alert whose
// condition is already over would stay pending (or firing) for ever. The evaluator therefore
// takes the stored alerts back on start, and the next result or tick judges them like any other.
//
// What it does not take back is how long a condition has held: a pending alert's `for` counts
// again from the first result after the restart. The condition may have broken off while no
// evaluator watched, and firing on a `for` that was never seen whole would be firing early.
import type { AlertEvent } from './alert-event.ts';
import type { AlertsConfig, RuleKind } from './alerts-config.ts';
import { initialAbsentState } from './evaluate-absent.ts';
import { INITIAL_ANOMALY_STATE, type AnomalyState } from './evaluate-anomaly.ts';
import { INITIAL_HOST_DOWN_STATE, type HostDownState } from './evaluate-host-down.ts';
import type { CheckFailingState } from './evaluate-check-failing.ts';
import { dependentsOf, track, type FleetState } from './evaluate-poll-result.ts';
import { INITIAL_PREDICT_FULL_STATE, type PredictFullState } from './evaluate-predict-full.ts';
import { INITIAL_REBOOT_STATE } from './evaluate-reboot.ts';
import type { InterfaceDownState } from './evaluate-interface-down.ts';
import type { ThresholdState } from './evaluate-threshold.ts';
import { resolvedEvent } from './rule-state.ts';
import type { AlertStateBase, HostSettings } from './rule-state.ts';

/** An active alert as the alerter stored it (lib/db/queries/stored-alert.ts has these fields): its last event, and when that was. */
export type StoredActiveAlert = Omit<AlertEvent, 'at' | 'dependents'> & { lastEventAt: number };

export interface Adoption {
  adopted: number;
  /** Resolutions to publish now: pending alerts of rules that no longer have a pending state. */
  events: AlertEvent[];
}

/** Takes stored pending and firing alerts into `fleet`; alerts it already tracks are left alone. */
export function adoptStoredAlerts(
  fleet: FleetState,
  config: AlertsConfig,
  settings: ReadonlyMap<string, HostSettings>,
  stored: readonly StoredActiveAlert[],
  now: number,
): Adoption {
  const adoption: Adoption = { adopted: 0, events: [] };
  for (const alert of stored) {
    if (alert.state === 'resolved' || fleet.alerts.has(alert.key)) continue;
    const rule = config.rules.find((r) => r.name === alert.rule);
    // A rule taken out of alerts.yml meanwhile: the kind does not matter, the next tick resolves it.
    const kind: RuleKind = rule?.kind ?? 'threshold';
    const { key, host, labels, state, severity, value, threshold, summary, startsAt, lastEventAt } = alert;
    const event: AlertEvent = {
      key, rule: alert.rule, host, labels: { ...labels }, state, severity, value, threshold, summary, startsAt, at: lastEventAt,
      receivers: [...(rule?.receivers ?? alert.receivers)],
    };
    const seeded = seededState(kind, event, settings, now);
    if (!seeded) {
      adoption.events.push(resolvedEvent(event, now, null, `${event.summary} (cleared: the rule no longer waits for it)`));
      continue;
    }
    track(fleet, key, { rule: alert.rule, kind, host, labels: event.labels, state: seeded });
    adoption.adopted++;
  }
  return adoption;
}

/**
 * The rule state that holds `event`, as the rule's own evaluation would have left it, with no
 * `for` clock running (`since` empty); null for a pending alert of a kind that is never pending.
 */
function seededState(kind: RuleKind, event: AlertEvent, settings: ReadonlyMap<string, HostSettings>, now: number): AlertStateBase | null {
  const active = event.state === 'firing' ? event : null;
  const pending = event.state === 'pending' ? event : null;
  const threshold: ThresholdState = { active, pending, since: {} };
  switch (kind) {
    case 'threshold':
    case 'process-missing':
    case 'unit-failed':
      return threshold;
    case 'interface-down': {
      // Its alert was raised, so the link had been up.
      const link: InterfaceDownState = { ...threshold, seenUp: true };
      return link;
    }
    case 'anomaly': {
      const anomaly: AnomalyState = { ...INITIAL_ANOMALY_STATE, active, pending, threshold };
      return anomaly;
    }
    case 'predict-full': {
      const predict: PredictFullState = { ...INITIAL_PREDICT_FULL_STATE, active, pending, threshold };
      return predict;
    }
    case 'host-down': {
      // A pending one holds the failures counted so far: the next failure carries on from there.
      if (pending) {
        const counting: HostDownState = { ...INITIAL_HOST_DOWN_STATE, pending, failures: pending.value ?? 0 };
        return counting;
      }
      if (!active) return null;
      // The stored row does not keep whom a bastion's alert speaks for; its re-publication must
      // name them again, or the alerter would stop holding their own alerts back. Whether a host's
      // other parents are down is not known yet: only hosts this one alone stands for are named
      // now, the others with the host's next failed poll.
      const dependents = dependentsOf(settings, event.host, () => false);
      return { ...INITIAL_HOST_DOWN_STATE, active: dependents.length > 0 ? { ...active, dependents } : active };
    }
    case 'reboot':
      return active ? { ...INITIAL_REBOOT_STATE, active } : null;
    case 'absent':
      return active ? { ...initialAbsentState(now), active } : null;
    case 'host-key-changed':
      return active ? { active } : null;
    case 'check-failing': {
      // The stored value is the failures counted when it last fired or updated.
      const failing: CheckFailingState = { active, failures: event.value ?? 0 };
      return active ? failing : null;
    }
  }
}
