// The latest inventory snapshot whole: the group tree and every host's masked variables, for
// the dashboard's inventory page and GET /api/v1/inventory/tree.
import type { VigilDb } from '../database.ts';
import type { InventorySnapshotGroup } from '../../inventory/inventory-snapshot.ts';

export interface InventoryTreeHost {
  groups: string[];
  vars: Record<string, unknown>;
}

export interface InventoryTree {
  /** Grows with every stored change of the inventory. */
  version: number;
  /** When the scheduler first read the inventory with this content (ISO 8601). */
  loadedAt: string;
  source: string;
  /** In Ansible's order, `all` first. */
  groups: InventorySnapshotGroup[];
  /** By host name, in Ansible's order. */
  hosts: Record<string, InventoryTreeHost>;
}

/** null before the scheduler stored its first snapshot. */
export async function selectInventoryTree(db: VigilDb): Promise<InventoryTree | null> {
  const snapshot = await db.selectFrom('inventory_snapshots').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!snapshot) return null;
  const rows = await db
    .selectFrom('inventory_snapshot_hosts')
    .select(['name', 'groups', 'vars'])
    .where('snapshot_id', '=', snapshot.id)
    .orderBy('position')
    .execute();
  return {
    version: snapshot.id,
    loadedAt: snapshot.loaded_at.toISOString(),
    source: snapshot.source,
    groups: snapshot.groups,
    // fromEntries defines own properties, so a host named __proto__ stays a host.
    hosts: Object.fromEntries(rows.map((row) => [row.name, { groups: row.groups, vars: row.vars }])),
  };
}
