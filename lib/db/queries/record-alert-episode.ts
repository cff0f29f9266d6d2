// Keeps alert_episodes in step with the alerts the alerter stores: an episode opens when an alert
// fires and closes when it resolves, so that outages stay countable after the alert fires again.
import type { VigilDb } from '../database.ts';
import type { StoredAlert } from './stored-alert.ts';

/** Opens the episode of an alert that starts firing; one still open for the key (never expected) ends where this one starts. */
export async function startAlertEpisode(db: VigilDb, alert: StoredAlert, kind: string | null): Promise<void> {
  await endAlertEpisode(db, alert.key, alert.startsAt);
  await db
    .insertInto('alert_episodes')
    .values({
      alert_key: alert.key,
      rule: alert.rule,
      kind,
      host: alert.host,
      labels: JSON.stringify(alert.labels),
      severity: alert.severity,
      started_at: new Date(alert.startsAt),
    })
    .execute();
}

export async function endAlertEpisode(db: VigilDb, alertKey: string, endedAt: number): Promise<void> {
  await db
    .updateTable('alert_episodes')
    .set({ ended_at: new Date(endedAt) })
    .where('alert_key', '=', alertKey)
    .where('ended_at', 'is', null)
    .execute();
}
