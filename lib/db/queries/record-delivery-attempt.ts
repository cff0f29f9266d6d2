// The outcome of one delivery attempt: sent, to be retried at `retryAt`, or given up. Each
// outcome goes into the history of the alerts the notification listed, so it can be seen there.
import type { VigilDb } from '../database.ts';
import { insertAlertHistory } from './insert-alert-history.ts';
import type { StoredNotification } from './stored-notification.ts';

export type DeliveryOutcome = { sent: true } | { sent: false; error: string; retryAt: number | null };

export async function recordDeliveryAttempt(db: VigilDb, notification: StoredNotification, outcome: DeliveryOutcome, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (outcome.sent) {
      await trx.updateTable('notifications').set({ status: 'sent', sent_at: new Date(now) }).where('id', '=', notification.id).execute();
    } else {
      await trx
        .updateTable('notifications')
        .set({
          status: outcome.retryAt === null ? 'failed' : 'pending',
          last_error: outcome.error.slice(0, 2000),
          next_attempt_at: new Date(outcome.retryAt ?? now),
        })
        .where('id', '=', notification.id)
        .execute();
    }
    // Failures that will be retried are in the notification row; the history keeps the outcomes.
    if (!outcome.sent && outcome.retryAt !== null) return;
    const details = { notification: notification.id, receiver: notification.receiver, channel: notification.channel, kind: notification.kind, attempts: notification.attempts };
    await insertAlertHistory(
      trx,
      notification.alertKeys.map((alertKey) => ({
        alertKey,
        at: now,
        event: outcome.sent ? 'notified' : 'notify-failed',
        comment: outcome.sent ? null : outcome.error.slice(0, 500),
        details,
      })),
    );
  });
}
