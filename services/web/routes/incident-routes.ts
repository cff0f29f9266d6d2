// Incidents for the public status page: operators (admins) open one, post updates as the work
// goes on (investigating, identified, monitoring, resolved) and delete one posted by mistake;
// anyone logged in reads them. Each change rebuilds the public page at once.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { VigilDb } from '../../../lib/db/database.ts';
import { listIncidents } from '../../../lib/db/queries/list-incidents.ts';
import { addIncidentUpdate, deleteIncident, openIncident } from '../../../lib/db/queries/post-incident.ts';
import {
  INCIDENT_IMPACTS, INCIDENT_LIST_MAX, INCIDENT_MESSAGE_MAX, INCIDENT_STATUSES, INCIDENT_TITLE_MAX, toApiIncident, type IncidentImpact, type IncidentStatus,
} from '../../../lib/web/status-incidents.ts';
import { ADMIN_ONLY, credentialsOf } from '../auth/auth-plugin.ts';
import type { StatusPageCache } from '../status-page-cache.ts';

export interface IncidentRoutesOptions {
  db: VigilDb;
  /** The public status page's, emptied by every change. */
  cache: StatusPageCache<unknown>;
  now?: () => number;
}

const impact = Joi.string().valid(...INCIDENT_IMPACTS);
const status = Joi.string().valid(...INCIDENT_STATUSES);
const message = Joi.string().trim().min(1).max(INCIDENT_MESSAGE_MAX);
/** Inventory groups it affects (the status page's sections). */
const groups = Joi.array().items(Joi.string().trim().min(1).max(255)).max(50).unique();
const idParams = Joi.object({ id: Joi.number().integer().min(1).max(Number.MAX_SAFE_INTEGER).required() });
const notFound = (id: number) => ({ statusCode: 404, error: 'Not Found', message: `no incident with id ${id}` });

export const incidentRoutes: Plugin<IncidentRoutesOptions> = {
  name: 'vigil-incident-routes',
  register(server, options) {
    const { db, cache } = options;
    const now = options.now ?? Date.now;

    server.route({
      method: 'GET',
      path: '/api/v1/incidents',
      options: {
        description: 'List status page incidents, newest first',
        tags: ['api', 'incidents'],
        validate: {
          query: Joi.object({ state: Joi.string().valid('open', 'all').default('all'), limit: Joi.number().integer().min(1).max(INCIDENT_LIST_MAX).default(100) }),
        },
      },
      handler: async (request) => {
        const { state, limit } = request.query as { state: 'open' | 'all'; limit: number };
        const incidents = await listIncidents(db, { limit, ...(state === 'open' ? { openOrResolvedSince: 'open-only' as const } : {}) });
        return { incidents: incidents.map(toApiIncident) };
      },
    });

    server.route({
      method: 'GET',
      path: '/api/v1/incidents/{id}',
      options: { description: 'One status page incident with its updates', tags: ['api', 'incidents'], validate: { params: idParams } },
      handler: async (request, h) => {
        const { id } = request.params as { id: number };
        const [incident] = await listIncidents(db, { id });
        return incident ? { incident: toApiIncident(incident) } : h.response(notFound(id)).code(404);
      },
    });

    server.route({
      method: 'POST',
      path: '/api/v1/incidents',
      options: {
        description: 'Open an incident on the public status page, with its first update',
        notes: 'impact: minor (default), major, critical or maintenance; status: investigating (default), identified, monitoring or resolved; groups: the inventory groups it affects, shown on the status page when it shows them. The message is plain text; line breaks are kept.',
        tags: ['api', 'incidents'],
        auth: ADMIN_ONLY,
        validate: {
          payload: Joi.object({
            title: Joi.string().trim().min(1).max(INCIDENT_TITLE_MAX).required(),
            impact: impact.default('minor'),
            status: status.default('investigating'),
            message: message.required(),
            groups: groups.default([]),
          }),
        },
      },
      handler: async (request, h) => {
        const body = request.payload as { title: string; impact: IncidentImpact; status: IncidentStatus; message: string; groups: string[] };
        const incident = await openIncident(db, { ...body, by: credentialsOf(request).user.name, at: now() });
        cache.invalidate();
        return h.response({ incident: toApiIncident(incident) }).code(201);
      },
    });

    server.route({
      method: 'POST',
      path: '/api/v1/incidents/{id}/updates',
      options: {
        description: 'Post an update to an incident: resolved closes it, any other status reopens it; impact and groups, when given, change the incident\'s',
        tags: ['api', 'incidents'],
        auth: ADMIN_ONLY,
        validate: { params: idParams, payload: Joi.object({ status: status.required(), message: message.required(), impact, groups }) },
      },
      handler: async (request, h) => {
        const { id } = request.params as { id: number };
        const body = request.payload as { status: IncidentStatus; message: string; impact?: IncidentImpact; groups?: string[] };
        const incident = await addIncidentUpdate(db, id, { ...body, by: credentialsOf(request).user.name, at: now() });
        if (!incident) return h.response(notFound(id)).code(404);
        cache.invalidate();
        return h.response({ incident: toApiIncident(incident) }).code(201);
      },
    });

    server.route({
      method: 'DELETE',
      path: '/api/v1/incidents/{id}',
      options: { description: 'Delete an incident posted by mistake, with its updates', tags: ['api', 'incidents'], auth: ADMIN_ONLY, validate: { params: idParams } },
      handler: async (request, h) => {
        const { id } = request.params as { id: number };
        if (!(await deleteIncident(db, id))) return h.response(notFound(id)).code(404);
        cache.invalidate();
        return h.response().code(204);
      },
    });
  },
};
