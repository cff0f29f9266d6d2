// Records one inventory reload. The table keeps the recent history only: each insert prunes
// what is older than the last KEEP_RELOADS rows, except the newest good reload, which the
// status shows as the inventory in use however many failed reloads came after it.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';

export const KEEP_RELOADS = 500;

export interface ReloadError {
  /** What is wrong; never the value of a variable. */
  message: string;
  file: string | null;
  line: number | null;
}

export interface NewInventoryReload {
  at?: Date;
  /** The inventory file or directory that was read. */
  source: string;
  ok: boolean;
  /** Hosts polled after the reload: the new set, or the last good one when it failed. */
  hosts: number;
  added?: number;
  removed?: number;
  changed?: number;
  error?: ReloadError | null;
}

export async function insertInventoryReload(db: VigilDb, record: NewInventoryReload, keep = KEEP_RELOADS): Promise<number> {
  const row = await db
    .insertInto('inventory_reloads')
    .values({
      ...(record.at ? { at: record.at } : {}),
      source: record.source,
      ok: record.ok,
      hosts: record.hosts,
      added: record.added ?? 0,
      removed: record.removed ?? 0,
      changed: record.changed ?? 0,
      error: record.error?.message ?? null,
      error_file: record.error?.file ?? null,
      error_line: record.error?.line ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .deleteFrom('inventory_reloads')
    .where('id', '<=', row.id - keep)
    .where('id', '<>', sql<number>`coalesce((SELECT max(id) FROM inventory_reloads WHERE ok), 0)`)
    .execute();
  return row.id;
}
