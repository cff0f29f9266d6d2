// Reads one alert and locks its row for the rest of the transaction.
import type { VigilDb } from '../database.ts';
import { toStoredAlert, type StoredAlert } from './stored-alert.ts';

export async function selectAlertForUpdate(db: VigilDb, key: string): Promise<StoredAlert | undefined> {
  const row = await db.selectFrom('alerts').selectAll().where('key', '=', key).forUpdate().executeTakeFirst();
  return row ? toStoredAlert(row) : undefined;
}
