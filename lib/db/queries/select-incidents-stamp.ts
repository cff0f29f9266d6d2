// A stamp of the status page's incidents that changes whenever one is opened, updated or deleted,
// by any web server or by `vigil incident` on the database directly: the page's cache compares it
// instead of trusting only its own server's writes.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';

export async function selectIncidentsStamp(db: VigilDb): Promise<string> {
  const { rows } = await sql<{ n: string | number; at: Date | string | null }>`
    select count(*) as n, max(updated_at) as at from status_incidents`.execute(db);
  const row = rows[0];
  const at = row?.at ?? null;
  return `${String(row?.n ?? 0)}@${at === null ? '' : at instanceof Date ? at.toISOString() : String(at)}`;
}
