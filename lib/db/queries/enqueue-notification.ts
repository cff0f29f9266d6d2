// Puts one alert into the outbox for one channel of one receiver. An alert joins the message
// still waiting out its group window for the same receiver, channel, target and kind, so alerts
// firing together go out as one message; otherwise it opens a new one, due when the window ends.
import { sql } from 'kysely';
import type { NoticeAlert, NoticeKind } from '../../alerting/notify/notice.ts';
import type { VigilDb } from '../database.ts';

export interface NotificationToQueue {
  receiver: string;
  channel: 'email' | 'webhook';
  /** { to: string[] } for e-mail, { url, format } for a webhook. */
  target: Record<string, unknown>;
  kind: NoticeKind;
  alert: NoticeAlert;
  now: number;
  groupWaitMs: number;
  /** Recorded as already failed (e.g. no SMTP server configured), so the miss is visible. */
  failure?: string;
}

/** Returns the id of the notification the alert is in, and whether it opened it. */
export async function enqueueNotification(db: VigilDb, item: NotificationToQueue): Promise<{ id: number; opened: boolean }> {
  const target = JSON.stringify(item.target);
  if (item.failure === undefined) {
    const open = await db
      .selectFrom('notifications')
      .select(['id', 'alert_keys'])
      .where('receiver', '=', item.receiver)
      .where('channel', '=', item.channel)
      .where('kind', '=', item.kind)
      .where('status', '=', 'pending')
      .where('attempts', '=', 0)
      .where('next_attempt_at', '>', new Date(item.now))
      .where(sql<boolean>`target = ${target}::jsonb`)
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .executeTakeFirst();
    if (open) {
      const keys = open.alert_keys as unknown;
      const listed = Array.isArray(keys) && keys.includes(item.alert.key);
      if (!listed) {
        await db
          .updateTable('notifications')
          .set({
            alert_keys: sql`alert_keys || ${JSON.stringify([item.alert.key])}::jsonb`,
            alerts: sql`alerts || ${JSON.stringify([item.alert])}::jsonb`,
          })
          .where('id', '=', open.id)
          .execute();
      }
      return { id: open.id, opened: false };
    }
  }
  const row = await db
    .insertInto('notifications')
    .values({
      receiver: item.receiver,
      channel: item.channel,
      target,
      kind: item.kind,
      alert_keys: JSON.stringify([item.alert.key]),
      alerts: JSON.stringify([item.alert]),
      status: item.failure === undefined ? 'pending' : 'failed',
      last_error: item.failure ?? null,
      created_at: new Date(item.now),
      next_attempt_at: new Date(item.now + item.groupWaitMs),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, opened: true };
}
