// Silences, newest first: those in force at `activeAt`, or all that are kept.
import type { VigilDb } from '../database.ts';
import { toStoredSilence, type StoredSilence } from './stored-silence.ts';

export async function listSilences(db: VigilDb, options: { activeAt?: number; limit?: number } = {}): Promise<StoredSilence[]> {
  let query = db.selectFrom('silences').selectAll();
  if (options.activeAt !== undefined) {
    const at = new Date(options.activeAt);
    query = query.where('expired_at', 'is', null).where('starts_at', '<=', at).where('ends_at', '>', at);
  }
  const rows = await query.orderBy('id', 'desc').limit(options.limit ?? 1000).execute();
  return rows.map(toStoredSilence);
}
