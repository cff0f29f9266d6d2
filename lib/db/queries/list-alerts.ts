// The alerts that are active now (pending or firing, or flapping), newest first.
import type { VigilDb } from '../database.ts';
import { toStoredAlert, type StoredAlert } from './stored-alert.ts';

export async function listActiveAlerts(db: VigilDb): Promise<StoredAlert[]> {
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where((eb) => eb.or([eb('state', '<>', 'resolved'), eb('flapping', '=', true)]))
    .orderBy('starts_at', 'desc')
    .orderBy('key')
    .execute();
  return rows.map(toStoredAlert);
}
