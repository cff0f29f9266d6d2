// Status page incidents with their updates, newest first: the open ones and, with `resolvedSince`,
// those resolved since then; or every one kept.
import type { VigilDb } from '../database.ts';
import { toStoredIncident, type StoredIncident } from './stored-incident.ts';

export interface IncidentFilter {
  /** Only unresolved incidents, plus those resolved at or after this (epoch ms) when given. */
  openOrResolvedSince?: number | 'open-only';
  /** One incident. */
  id?: number;
  limit?: number;
}

export async function listIncidents(db: VigilDb, filter: IncidentFilter = {}): Promise<StoredIncident[]> {
  let query = db.selectFrom('status_incidents').selectAll();
  if (filter.id !== undefined) query = query.where('id', '=', filter.id);
  const since = filter.openOrResolvedSince;
  if (since === 'open-only') query = query.where('resolved_at', 'is', null);
  else if (since !== undefined) query = query.where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', new Date(since))]));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 1000).execute();
  if (rows.length === 0) return [];
  const updates = await db
    .selectFrom('status_incident_updates')
    .selectAll()
    .where('incident_id', 'in', rows.map((row) => row.id))
    .execute();
  const byIncident = new Map<number, typeof updates>();
  for (const update of updates) {
    const id = Number(update.incident_id);
    const list = byIncident.get(id);
    if (list) list.push(update);
    else byIncident.set(id, [update]);
  }
  return rows.map((row) => toStoredIncident(row, byIncident.get(Number(row.id)) ?? []));
}
