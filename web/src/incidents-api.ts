// The status page incidents' calls to the JSON API (services/web/routes/incident-routes.ts),
// typed with the server's own vocabulary and answer types. Reading needs a login; writing, an admin.
import {
  INCIDENT_IMPACTS, INCIDENT_LIST_MAX, INCIDENT_STATUSES, type ApiIncident, type ApiIncidentUpdate, type IncidentImpact, type IncidentStatus,
} from '../../lib/web/status-incidents.ts';
import { getJson, sendJson } from './api-client.ts';

export { INCIDENT_IMPACTS, INCIDENT_LIST_MAX, INCIDENT_STATUSES };
export type { ApiIncident, ApiIncidentUpdate, IncidentImpact, IncidentStatus };

export interface NewIncident {
  title: string;
  impact: IncidentImpact;
  status: IncidentStatus;
  message: string;
  /** Inventory groups it affects. */
  groups: string[];
}

export interface NewIncidentUpdate {
  status: IncidentStatus;
  message: string;
  /** Left out: the impact stays as it is. */
  impact?: IncidentImpact;
}

/** Unresolved ones only ('open'), or every one kept ('all'); newest first either way. */
export async function fetchIncidents(state: 'open' | 'all', limit: number, signal?: AbortSignal): Promise<ApiIncident[]> {
  return (await getJson<{ incidents: ApiIncident[] }>(`api/v1/incidents?state=${state}&limit=${limit}`, signal)).incidents;
}

export async function openIncident(incident: NewIncident): Promise<ApiIncident> {
  return (await sendJson<{ incident: ApiIncident }>('POST', 'api/v1/incidents', incident)).incident;
}

export async function postIncidentUpdate(id: number, update: NewIncidentUpdate): Promise<ApiIncident> {
  return (await sendJson<{ incident: ApiIncident }>('POST', `api/v1/incidents/${encodeURIComponent(id)}/updates`, update)).incident;
}

export const deleteIncident = (id: number): Promise<void> => sendJson<void>('DELETE', `api/v1/incidents/${encodeURIComponent(id)}`);
