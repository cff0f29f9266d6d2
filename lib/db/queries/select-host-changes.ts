// Hosts whose newest sample or status changed since a cursor (selectChangeHorizon), or every
// host when there is no cursor yet. A row may come back again at the next cursor: the caller
// tells repeats apart by changedXid.
import { sql } from 'kysely';
import type { HostStatus, VigilDb } from '../database.ts';

export interface HostChange {
  name: string;
  /** Milliseconds since the epoch, by the polling worker's clock. */
  lastSampleAt: number | null;
  status: HostStatus;
  statusReason: string | null;
  statusMessage: string | null;
  /** The writing transaction, as decimal text; null for rows not written since migration 0009. */
  changedXid: string | null;
}

export async function selectHostChanges(db: VigilDb, args: { since: string | null }): Promise<HostChange[]> {
  let query = db
    .selectFrom('hosts')
    .select(['name', 'last_sample_at', 'status', 'status_reason', 'status_message', sql<string | null>`changed_xid::text`.as('changed_xid')])
    .where('removed_at', 'is', null);
  if (args.since !== null) query = query.where(sql<boolean>`changed_xid >= ${args.since}::xid8`);
  const rows = await query.execute();
  return rows.map((row) => ({
    name: row.name,
    lastSampleAt: row.last_sample_at === null ? null : new Date(row.last_sample_at).getTime(),
    status: row.status,
    statusReason: row.status_reason,
    statusMessage: row.status_message,
    changedXid: row.changed_xid,
  }));
}
