// What the scheduler is polling from, and whether the latest edit of the inventory took:
// for the API and the dashboard's banner.
import type { Selectable } from 'kysely';
import type { InventoryReloadsTable, VigilDb } from '../database.ts';
import type { ReloadError } from './insert-inventory-reload.ts';

export type { ReloadError };

export interface InventoryReload {
  /** ISO 8601. */
  at: string;
  source: string;
  ok: boolean;
  hosts: number;
  added: number;
  removed: number;
  changed: number;
  error: ReloadError | null;
}

export interface InventoryStatus {
  /** The inventory in use: the newest good reload; null before the first one. */
  current: { at: string; source: string; hosts: number } | null;
  lastReload: InventoryReload | null;
  /** The latest reload, only while it is a failed one: the last good inventory is still polled. */
  lastError: InventoryReload | null;
  /** Newest first. */
  recent: InventoryReload[];
}

export const DEFAULT_RECENT_RELOADS = 20;

export async function selectInventoryStatus(db: VigilDb, recentLimit = DEFAULT_RECENT_RELOADS): Promise<InventoryStatus> {
  const [rows, lastGood] = await Promise.all([
    db.selectFrom('inventory_reloads').selectAll().orderBy('id', 'desc').limit(Math.max(1, recentLimit)).execute(),
    db.selectFrom('inventory_reloads').selectAll().where('ok', '=', true).orderBy('id', 'desc').limit(1).executeTakeFirst(),
  ]);
  const recent = rows.map(toReload);
  const lastReload = recent[0] ?? null;
  return {
    current: lastGood ? { at: lastGood.at.toISOString(), source: lastGood.source, hosts: lastGood.hosts } : null,
    lastReload,
    lastError: lastReload && !lastReload.ok ? lastReload : null,
    recent: recent.slice(0, recentLimit),
  };
}

function toReload(row: Selectable<InventoryReloadsTable>): InventoryReload {
  return {
    at: row.at.toISOString(),
    source: row.source,
    ok: row.ok,
    hosts: row.hosts,
    added: row.added,
    removed: row.removed,
    changed: row.changed,
    error: row.ok ? null : { message: row.error ?? 'unknown error', file: row.error_file, line: row.error_line },
  };
}
