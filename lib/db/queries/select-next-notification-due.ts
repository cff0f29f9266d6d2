// When the sender next has something to do: the earliest attempt (or lease end) in the outbox.
import type { VigilDb } from '../database.ts';
import { toMs } from './stored-alert.ts';

export async function selectNextNotificationDue(db: VigilDb): Promise<number | null> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.min('next_attempt_at').as('due'))
    .where('status', 'in', ['pending', 'sending'])
    .executeTakeFirst();
  const due = row?.due as Date | string | null | undefined;
  return due === null || due === undefined ? null : toMs(due);
}
