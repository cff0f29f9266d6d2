// A status page incident with its timeline, as the API, the status page and the CLI use it.
import type { Selectable } from 'kysely';
import type { StatusIncidentsTable, StatusIncidentUpdatesTable } from '../database.ts';
import type { IncidentImpact, IncidentStatus } from '../../web/status-incidents.ts';
import { parseJson, toMs, toMsOrNull } from './stored-alert.ts';

export interface StoredIncidentUpdate {
  status: IncidentStatus;
  message: string;
  at: number;
  by: string;
}

export interface StoredIncident {
  id: number;
  title: string;
  impact: IncidentImpact;
  /** Inventory groups it affects, as posted; empty: not said. */
  groups: string[];
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  resolvedAt: number | null;
  /** Newest first. */
  updates: StoredIncidentUpdate[];
}

export function toStoredIncident(row: Selectable<StatusIncidentsTable>, updates: ReadonlyArray<Selectable<StatusIncidentUpdatesTable>>): StoredIncident {
  return {
    id: Number(row.id),
    title: row.title,
    impact: row.impact as IncidentImpact,
    groups: (parseJson(row.groups, []) as unknown[]).filter((g): g is string => typeof g === 'string'),
    createdAt: toMs(row.created_at),
    createdBy: row.created_by,
    updatedAt: toMs(row.updated_at),
    resolvedAt: toMsOrNull(row.resolved_at),
    updates: updates
      .map((u) => ({ status: u.status as IncidentStatus, message: u.message, at: toMs(u.created_at), by: u.created_by, id: Number(u.id) }))
      // Two updates in one millisecond keep the order they were posted in.
      .sort((a, b) => b.at - a.at || b.id - a.id)
      .map(({ status, message, at, by }) => ({ status, message, at, by })),
  };
}
