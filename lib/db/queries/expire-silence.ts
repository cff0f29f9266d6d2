// Ends a silence now. Expiring one that has already ended or been expired changes nothing.
import type { VigilDb } from '../database.ts';
import { toStoredSilence, type StoredSilence } from './stored-silence.ts';

export async function expireSilence(db: VigilDb, id: number, at: number): Promise<StoredSilence | null> {
  const updated = await db
    .updateTable('silences')
    .set({ expired_at: new Date(at) })
    .where('id', '=', id)
    .where('expired_at', 'is', null)
    .where('ends_at', '>', new Date(at))
    .returningAll()
    .executeTakeFirst();
  if (updated) return toStoredSilence(updated);
  const existing = await db.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst();
  return existing ? toStoredSilence(existing) : null;
}
