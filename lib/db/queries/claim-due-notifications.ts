// Takes the notifications due for an attempt and leases them to this sender until `leaseUntil`:
// a sender that dies mid-send leaves its rows to be retried once the lease runs out. SKIP LOCKED
// leaves rows that a transaction is still adding alerts to for the next round.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { toStoredNotification, type StoredNotification } from './stored-notification.ts';

export async function claimDueNotifications(db: VigilDb, options: { now: number; leaseMs: number; limit: number }): Promise<StoredNotification[]> {
  if (options.limit <= 0) return [];
  const now = new Date(options.now);
  const rows = await db
    .updateTable('notifications')
    .set({ status: 'sending', attempts: sql`attempts + 1`, next_attempt_at: new Date(options.now + options.leaseMs) })
    .where(
      'id',
      'in',
      db
        .selectFrom('notifications')
        .select('id')
        .where('status', 'in', ['pending', 'sending'])
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(options.limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  return rows.map(toStoredNotification).sort((a, b) => a.id - b.id);
}
