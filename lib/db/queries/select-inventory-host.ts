// One host of the latest inventory snapshot: its groups and masked merged variables.
import type { VigilDb } from '../database.ts';

export interface InventoryHostVars {
  name: string;
  /** The snapshot's version and load time, as GET /api/v1/inventory/tree gives them. */
  version: number;
  loadedAt: string;
  groups: string[];
  vars: Record<string, unknown>;
}

export type InventoryHostLookup = { found: true; host: InventoryHostVars } | { found: false; reason: 'no-snapshot' | 'no-host' };

export async function selectInventoryHost(db: VigilDb, name: string): Promise<InventoryHostLookup> {
  const snapshot = await db.selectFrom('inventory_snapshots').select(['id', 'loaded_at']).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!snapshot) return { found: false, reason: 'no-snapshot' };
  const row = await db
    .selectFrom('inventory_snapshot_hosts')
    .select(['groups', 'vars'])
    .where('snapshot_id', '=', snapshot.id)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) return { found: false, reason: 'no-host' };
  return { found: true, host: { name, version: snapshot.id, loadedAt: snapshot.loaded_at.toISOString(), groups: row.groups, vars: row.vars } };
}
