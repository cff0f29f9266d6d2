// Acknowledges a firing alert: no more reminders for this occurrence. Who, when and why go
// into the alert's history as well, where they stay after the alert fires again.
import type { VigilDb } from '../database.ts';
import { insertAlertHistory } from './insert-alert-history.ts';
import { toStoredAlert, type StoredAlert } from './stored-alert.ts';

export type AckResult = { ok: true; alert: StoredAlert } | { ok: false; reason: 'not-found' | 'not-firing' };

export async function ackAlert(db: VigilDb, key: string, ack: { by: string; comment: string; at: number }): Promise<AckResult> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('alerts').selectAll().where('key', '=', key).forUpdate().executeTakeFirst();
    if (!row) return { ok: false, reason: 'not-found' } as const;
    if (row.state !== 'firing') return { ok: false, reason: 'not-firing' } as const;
    const updated = await trx
      .updateTable('alerts')
      .set({ acked_by: ack.by, acked_at: new Date(ack.at), acked_comment: ack.comment })
      .where('key', '=', key)
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertAlertHistory(trx, [{ alertKey: key, at: ack.at, event: 'acked', actor: ack.by, comment: ack.comment }]);
    return { ok: true, alert: toStoredAlert(updated) } as const;
  });
}
