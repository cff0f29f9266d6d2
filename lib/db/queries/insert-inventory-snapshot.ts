// Stores the scheduler's snapshot of the inventory (secrets already masked) when its content
// differs from the latest stored one, in one transaction so that a reader sees the old snapshot
// or the new one, never half of it. Only the latest KEEP_SNAPSHOTS are kept.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { inStatementBatches } from '../statement-batches.ts';
import type { InventorySnapshot } from '../../inventory/inventory-snapshot.ts';

export const KEEP_SNAPSHOTS = 5;


export interface StoredSnapshot {
  /** The snapshot's version: its id. */
  id: number;
  /** false when the latest stored snapshot already had this content. */
  written: boolean;
}

export async function insertInventorySnapshot(db: VigilDb, snapshot: InventorySnapshot, keep = KEEP_SNAPSHOTS): Promise<StoredSnapshot> {
  return db.transaction().execute(async (trx) => {
    // Two writers (a scheduler failing over) take turns, so both cannot store the same content.
    await sql`LOCK TABLE inventory_snapshots IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    const latest = await trx.selectFrom('inventory_snapshots').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
    if (latest?.hash === snapshot.hash) return { id: latest.id, written: false };
    const { id } = await trx
      .insertInto('inventory_snapshots')
      .values({ source: snapshot.source, hash: snapshot.hash, groups: JSON.stringify(snapshot.groups) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rows = snapshot.hosts.map((host, position) => ({
      snapshot_id: id,
      name: host.name,
      position,
      groups: JSON.stringify(host.groups),
      vars: JSON.stringify(host.vars),
    }));
    for (const batch of inStatementBatches(rows, 5)) await trx.insertInto('inventory_snapshot_hosts').values(batch).execute();
    await trx
      .deleteFrom('inventory_snapshots')
      .where('id', 'not in', (eb) => eb.selectFrom('inventory_snapshots').select('id').orderBy('id', 'desc').limit(Math.max(1, keep)))
      .execute();
    return { id, written: true };
  });
}
