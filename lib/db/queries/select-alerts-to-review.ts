// Alerts whose notices may be due without any new event: firing ones (a reminder, or a first
// notice once a silence ends) and flapping ones (which may have settled); and active ones held
// back, whose reason may have ended (what inhibited them resolved, a silence expired).
import type { VigilDb } from '../database.ts';
import { toStoredAlert, type StoredAlert } from './stored-alert.ts';

export async function selectAlertsToReview(db: VigilDb, options: { now: number; repeatIntervalMs: number }): Promise<StoredAlert[]> {
  const remindBefore = new Date(options.now - options.repeatIntervalMs);
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('flapping', '=', true),
        eb.and([eb('state', '<>', 'resolved'), eb('held_back_by', 'is not', null)]),
        eb.and([
          eb('state', '=', 'firing'),
          eb.or([eb('notified_firing', '=', false), eb.and([eb('acked_at', 'is', null), eb('last_notified_at', '<=', remindBefore)])]),
        ]),
      ]),
    )
    .orderBy('key')
    .forUpdate()
    .execute();
  return rows.map(toStoredAlert);
}
