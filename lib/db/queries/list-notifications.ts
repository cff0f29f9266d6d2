// The outbox, newest first, so that delivery attempts and failures can be seen from the API.
import type { VigilDb } from '../database.ts';
import { toStoredNotification, type StoredNotification } from './stored-notification.ts';

export async function listNotifications(db: VigilDb, options: { limit: number; status?: StoredNotification['status'] }): Promise<StoredNotification[]> {
  let query = db.selectFrom('notifications').selectAll();
  if (options.status !== undefined) query = query.where('status', '=', options.status);
  const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(toStoredNotification);
}
