// An alert as the JSON API shows it (GET /api/v1/alerts, and the live stream's `alert` events):
// times as ISO 8601, and none of the alerter's bookkeeping (receivers, state changes).
import type { Severity } from '../alerting/alert-event.ts';
import type { StoredAlert } from '../db/queries/stored-alert.ts';

export interface ApiAlert {
  key: string;
  rule: string;
  host: string;
  labels: Record<string, string>;
  severity: Severity;
  state: StoredAlert['state'];
  summary: string;
  value: number | null;
  threshold: number | null;
  startsAt: string | null;
  endsAt: string | null;
  lastEventAt: string | null;
  lastNotifiedAt: string | null;
  flapping: boolean;
  ack: { by: string; at: string | null; comment: string | null } | null;
  /** Why its notices are held back now (inhibited by another alert, a down bastion or parent, a silence, maintenance); null when they go out. */
  heldBackBy: string | null;
  /** How many of its escalation steps (alerts.yml `escalate`) were told in this occurrence; 0: none. */
  escalatedSteps: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toApiAlert(alert: StoredAlert): ApiAlert {
  return {
    key: alert.key,
    rule: alert.rule,
    host: alert.host,
    labels: alert.labels,
    severity: alert.severity,
    state: alert.state,
    summary: alert.summary,
    value: alert.value,
    threshold: alert.threshold,
    startsAt: iso(alert.startsAt),
    endsAt: iso(alert.endsAt),
    lastEventAt: iso(alert.lastEventAt),
    lastNotifiedAt: iso(alert.lastNotifiedAt),
    flapping: alert.flapping,
    ack: alert.ackedBy === null ? null : { by: alert.ackedBy, at: iso(alert.ackedAt), comment: alert.ackedComment },
    heldBackBy: alert.heldBackBy,
    escalatedSteps: alert.escalatedSteps,
  };
}
