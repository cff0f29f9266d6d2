// The pending and firing alerts of some hosts, locked for the rest of the transaction.
import type { VigilDb } from '../database.ts';
import { toStoredAlert, type StoredAlert } from './stored-alert.ts';

export async function selectActiveAlertsOfHosts(db: VigilDb, hosts: readonly string[]): Promise<StoredAlert[]> {
  if (hosts.length === 0) return [];
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where('host', 'in', [...hosts])
    .where('state', '<>', 'resolved')
    .orderBy('key')
    .forUpdate()
    .execute();
  return rows.map(toStoredAlert);
}
