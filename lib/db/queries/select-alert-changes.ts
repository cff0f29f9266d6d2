// Alerts that fired, resolved, were acknowledged or started or stopped flapping since a cursor
// (selectChangeHorizon). A row may come back again at the next cursor: the caller tells
// repeats apart by changedXid.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { toStoredAlert, type StoredAlert } from './stored-alert.ts';

export interface AlertChange {
  alert: StoredAlert;
  /** The writing transaction, as decimal text. */
  changedXid: string;
}

export async function selectAlertChanges(db: VigilDb, args: { since: string }): Promise<AlertChange[]> {
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .select(sql<string>`changed_xid::text`.as('changed_xid_text'))
    .where(sql<boolean>`changed_xid >= ${args.since}::xid8`)
    .orderBy('changed_xid')
    .orderBy('key')
    .execute();
  return rows.map((row) => ({ alert: toStoredAlert(row), changedXid: row.changed_xid_text }));
}
