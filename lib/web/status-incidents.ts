// Incidents on the public status page: their vocabulary, as Statuspage's (an impact per incident,
// a status per update), and their shape in the API. The database side is
// lib/db/queries/*-incident*.ts; the page shows them with render-status-page.ts.
import type { StoredIncident } from '../db/queries/stored-incident.ts';

/** How badly visitors are affected; maintenance is planned work. */
export const INCIDENT_IMPACTS = ['minor', 'major', 'critical', 'maintenance'] as const;
export type IncidentImpact = (typeof INCIDENT_IMPACTS)[number];

/** Where the work on it stands, update by update; resolved closes it. */
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** What visitors read for each: the status page, its feed and the dashboard say them alike. */
export const INCIDENT_IMPACT_TEXT: Record<IncidentImpact, string> = { minor: 'Minor impact', major: 'Major impact', critical: 'Critical impact', maintenance: 'Maintenance' };
export const INCIDENT_STATUS_TEXT: Record<IncidentStatus, string> = { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' };

/** `2025-03-01 12:30 UTC` from ISO 8601: how the public page and its feed give times. */
export function utcMinuteText(iso: string): string {
  return `${iso.replace('T', ' ').slice(0, 16)} UTC`;
}

/** How long a resolved incident stays on the public page, as Statuspage's "past incidents". */
export const RECENT_INCIDENT_DAYS = 14;

export const INCIDENT_TITLE_MAX = 200;
/** The most GET /api/v1/incidents gives in one answer. */
export const INCIDENT_LIST_MAX = 1000;
export const INCIDENT_MESSAGE_MAX = 5000;

export interface ApiIncidentUpdate {
  status: IncidentStatus;
  message: string;
  /** ISO 8601. */
  at: string;
  by: string;
}

export interface ApiIncident {
  id: number;
  title: string;
  impact: IncidentImpact;
  /** The inventory groups it affects; empty: not said. */
  groups: string[];
  /** Its newest update's status. */
  status: IncidentStatus;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  /** Newest first. */
  updates: ApiIncidentUpdate[];
}

/** The public page's copy: who posted is the operators' business, not the visitors'. */
export type PublicIncident = Omit<ApiIncident, 'updates'> & { updates: Array<Omit<ApiIncidentUpdate, 'by'>> };

export function toApiIncident(incident: StoredIncident): ApiIncident {
  const updates = incident.updates.map((u) => ({ status: u.status, message: u.message, at: new Date(u.at).toISOString(), by: u.by }));
  return {
    id: incident.id,
    title: incident.title,
    impact: incident.impact,
    groups: incident.groups,
    status: incident.updates[0]?.status ?? 'investigating',
    createdAt: new Date(incident.createdAt).toISOString(),
    updatedAt: new Date(incident.updatedAt).toISOString(),
    resolvedAt: incident.resolvedAt === null ? null : new Date(incident.resolvedAt).toISOString(),
    updates,
  };
}

/** Of its groups, only those the page shows: the page says nothing of the others, not even their names. */
export function toPublicIncident(incident: StoredIncident, pageGroups: readonly string[]): PublicIncident {
  const api = toApiIncident(incident);
  return { ...api, groups: api.groups.filter((g) => pageGroups.includes(g)), updates: api.updates.map(({ status, message, at }) => ({ status, message, at })) };
}
