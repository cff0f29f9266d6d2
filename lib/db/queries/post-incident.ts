// Opens a status page incident with its first update, or adds an update to one. An update's
// status decides whether the incident is resolved: resolved sets resolved_at, any other status
// (a problem that came back) reopens it. Callers validate the texts and the vocabulary.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import type { IncidentImpact, IncidentStatus } from '../../web/status-incidents.ts';
import { listIncidents } from './list-incidents.ts';
import type { StoredIncident } from './stored-incident.ts';

export interface IncidentUpdateInput {
  status: IncidentStatus;
  message: string;
  by: string;
  at: number;
}

export async function openIncident(db: VigilDb, incident: { title: string; impact: IncidentImpact; groups?: readonly string[] } & IncidentUpdateInput): Promise<StoredIncident> {
  const id = await db.transaction().execute(async (trx) => {
    const at = new Date(incident.at);
    const row = await trx
      .insertInto('status_incidents')
      .values({
        title: incident.title,
        impact: incident.impact,
        groups: JSON.stringify(incident.groups ?? []),
        created_at: at,
        created_by: incident.by,
        updated_at: at,
        resolved_at: incident.status === 'resolved' ? at : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('status_incident_updates')
      .values({ incident_id: Number(row.id), status: incident.status, message: incident.message, created_at: at, created_by: incident.by })
      .execute();
    return Number(row.id);
  });
  return readIncident(db, id);
}

/** Null when there is no such incident. `impact` and `groups`, when given, change the incident's. */
export async function addIncidentUpdate(
  db: VigilDb, id: number, update: IncidentUpdateInput & { impact?: IncidentImpact; groups?: readonly string[] },
): Promise<StoredIncident | null> {
  const found = await db.transaction().execute(async (trx) => {
    const at = new Date(update.at);
    const changed = await trx
      .updateTable('status_incidents')
      // A later note on a resolved incident (a postmortem) keeps the time it was resolved.
      .set({ updated_at: at, resolved_at: update.status === 'resolved' ? sql<Date>`COALESCE(resolved_at, ${at})` : null, ...(update.impact ? { impact: update.impact } : {}), ...(update.groups ? { groups: JSON.stringify(update.groups) } : {}) })
      .where('id', '=', id)
      .returning('id')
      .executeTakeFirst();
    if (!changed) return false;
    await trx
      .insertInto('status_incident_updates')
      .values({ incident_id: id, status: update.status, message: update.message, created_at: at, created_by: update.by })
      .execute();
    return true;
  });
  return found ? readIncident(db, id) : null;
}

/** For one posted by mistake: it goes with its updates. False when there was none. */
export async function deleteIncident(db: VigilDb, id: number): Promise<boolean> {
  const deleted = await db.deleteFrom('status_incidents').where('id', '=', id).returning('id').executeTakeFirst();
  return deleted !== undefined;
}

async function readIncident(db: VigilDb, id: number): Promise<StoredIncident> {
  const [incident] = await listIncidents(db, { id });
  if (!incident) throw new Error(`incident ${id} vanished while it was written`);
  return incident;
}
