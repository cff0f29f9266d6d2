// Writes an alert's whole state, creating the row the first time the alert is seen.
import type { VigilDb } from '../database.ts';
import type { StoredAlert } from './stored-alert.ts';

export async function saveAlert(db: VigilDb, alert: StoredAlert): Promise<void> {
  const values = {
    rule: alert.rule,
    host: alert.host,
    labels: JSON.stringify(alert.labels),
    severity: alert.severity,
    state: alert.state,
    summary: alert.summary,
    value: alert.value,
    threshold: alert.threshold,
    receivers: JSON.stringify(alert.receivers),
    starts_at: new Date(alert.startsAt),
    ends_at: alert.endsAt === null ? null : new Date(alert.endsAt),
    last_event_at: new Date(alert.lastEventAt),
    last_notified_at: alert.lastNotifiedAt === null ? null : new Date(alert.lastNotifiedAt),
    notified_firing: alert.notifiedFiring,
    acked_by: alert.ackedBy,
    acked_at: alert.ackedAt === null ? null : new Date(alert.ackedAt),
    acked_comment: alert.ackedComment,
    flapping: alert.flapping,
    state_changes: JSON.stringify(alert.stateChanges),
    held_back_by: alert.heldBackBy,
    escalated_steps: alert.escalatedSteps,
  };
  await db
    .insertInto('alerts')
    .values({ key: alert.key, ...values })
    .onConflict((oc) => oc.column('key').doUpdateSet(values))
    .execute();
}
