// Alerts whose notices may be due without any new event: firing ones (a reminder, or a first
// notice once a silence ends) and flapping ones (which may have settled); and active ones held
// back, whose reason may have ended (what inhibited them resolved, a silence expired); and active
// ones not held back that a silence or a maintenance window may cover now, so that an alert told
// before a silence was made shows it within a sweep, not at its next event (up to 5 minutes); and
// with escalation steps in the alerts file, firing unacknowledged ones old enough for a step.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { toStoredAlert, type StoredAlert } from './stored-alert.ts';

export async function selectAlertsToReview(
  db: VigilDb, options: { now: number; repeatIntervalMs: number; escalateAfterMs?: number | null },
): Promise<StoredAlert[]> {
  const remindBefore = new Date(options.now - options.repeatIntervalMs);
  // With escalation steps in the alerts file, firing alerts nobody acknowledged, old enough for the first step.
  const escalateFrom = options.escalateAfterMs == null ? null : new Date(options.now - options.escalateAfterMs);
  const now = new Date(options.now).toISOString();
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('flapping', '=', true),
        eb.and([eb('state', '<>', 'resolved'), eb('held_back_by', 'is not', null)]),
        eb.and([
          eb('state', '<>', 'resolved'),
          eb('held_back_by', 'is', null),
          sql<boolean>`(EXISTS (SELECT 1 FROM silences WHERE expired_at IS NULL AND starts_at <= ${now} AND ends_at > ${now})
            OR EXISTS (SELECT 1 FROM hosts WHERE hosts.name = alerts.host AND hosts.alerting::jsonb ? 'maintenance'))`,
        ]),
        eb.and([
          eb('state', '=', 'firing'),
          eb.or([eb('notified_firing', '=', false), eb.and([eb('acked_at', 'is', null), eb('last_notified_at', '<=', remindBefore)])]),
        ]),
        ...(escalateFrom === null ? [] : [eb.and([eb('state', '=', 'firing'), eb('acked_at', 'is', null), eb('starts_at', '<=', escalateFrom)])]),
      ]),
    )
    .orderBy('key')
    .forUpdate()
    .execute();
  return rows.map(toStoredAlert);
}
