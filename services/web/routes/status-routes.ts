// The public status page (VIGIL_STATUS_PAGE): /status as HTML, /api/v1/status as JSON, no login.
// It shows only the configured groups' hosts and checks, and is built at most every 30 s however
// many visitors ask: a public page must not let the world load the database.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { maintenanceFactsOf, type MaintenanceFacts } from '../../../lib/availability/maintenance-spans.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { selectAvailabilityInputs, type AvailabilityHost } from '../../../lib/db/queries/select-availability-inputs.ts';
import { selectLatestChecks } from '../../../lib/db/queries/select-latest-checks.ts';
import { renderStatusFeed } from '../../../lib/web/render-status-feed.ts';
import { renderStatusPage, STATUS_PAGE_CSS } from '../../../lib/web/render-status-page.ts';
import { listIncidents } from '../../../lib/db/queries/list-incidents.ts';
import { RECENT_INCIDENT_DAYS, toPublicIncident } from '../../../lib/web/status-incidents.ts';
import type { StatusPageCache } from '../status-page-cache.ts';
import { buildStatusPage, MAINTENANCE_AHEAD_DAYS, STATUS_DAYS, type ApiStatusPage, type StatusGroupInputs } from '../../../lib/web/status-page.ts';

export interface StatusRoutesOptions {
  db: VigilDb;
  /** null: no status page; its routes answer 404. */
  statusPage: StatusPageOptions | null;
  /** Shared with the incident routes, which empty it when an incident is posted. */
  cache: StatusPageCache<ApiStatusPage>;
  now?: () => number;
}

export interface StatusPageOptions {
  groups: string[];
  title: string;
  /** How long one build answers every visitor (default 30 s; the benchmark sets 0 to time builds). */
  cacheMs?: number;
}

export const STATUS_PAGE_CACHE_MS = 30_000;

const DAY_MS = 86_400_000;
/** Any query string, ignored. */
const anyQuery = Joi.object({}).unknown(true);
const notFound = { statusCode: 404, error: 'Not Found', message: 'no status page: set VIGIL_STATUS_PAGE to the inventory groups it shows' };

export const statusRoutes: Plugin<StatusRoutesOptions> = {
  name: 'vigil-status-routes',
  register(server, options) {
    const { db, statusPage, cache } = options;
    const now = options.now ?? Date.now;

    const build = async (at: number): Promise<ApiStatusPage> => {
      if (!statusPage) throw new Error('no status page');
      const from = at - STATUS_DAYS * DAY_MS;
      const groups: StatusGroupInputs[] = [];
      for (const group of statusPage.groups) {
        // With the bastions' host-down episodes: a host behind a down bastion is unknown, not up (unmonitored-spans.ts).
        const { hosts, episodes } = await selectAvailabilityInputs(db, { from, to: at, group, bastions: true });
        groups.push({ group, hosts, episodes });
      }
      const names = [...new Set(groups.flatMap((g) => g.hosts.map((h) => h.name)))];
      const checks = await selectLatestChecks(db, { hosts: names, since: at - DAY_MS });
      const incidents = await listIncidents(db, { openOrResolvedSince: at - RECENT_INCIDENT_DAYS * DAY_MS, limit: 100 });
      const factsOf = maintenanceFactsOf(from, at, MAINTENANCE_AHEAD_DAYS * DAY_MS);
      const maintenance = (host: AvailabilityHost): MaintenanceFacts => factsOf(host.maintenance);
      return buildStatusPage(groups, { title: statusPage.title, now: at, checks, maintenance, incidents: incidents.map((incident) => toPublicIncident(incident, statusPage.groups)) });
    };

    const current = (): Promise<ApiStatusPage> => cache.get(() => build(now()));

    server.route({
      method: 'GET',
      path: '/api/v1/status',
      options: {
        auth: false,
        description: 'The public status page as JSON (no login; only with VIGIL_STATUS_PAGE)',
        notes: 'Per configured inventory group, each host and each service check it runs: its state now (down while host_down or check_failing fires, maintenance while in a maintenance window, unknown while an SSH bastion it is reached through is down) and its availability over the last 90 days, whole and per UTC day, leaving out time in maintenance and, for a host, time behind a down bastion; and the incidents posted (POST /api/v1/incidents), open and resolved in the last 14 days. Built at most every 30 s, and again once an incident is posted, updated or deleted: at once through this server, within about a second through another web server or vigil incident on the database.',
        tags: ['api', 'status'],
        validate: { query: Joi.object({}) },
      },
      handler: async (_request, h) => (statusPage ? await current() : h.response(notFound).code(404)),
    });

    server.route({
      method: 'GET',
      path: '/status',
      // Links to a public page get shared with tracking parameters (?utm_source=…): ignored, not refused.
      options: { auth: false, description: 'The public status page (no login; only with VIGIL_STATUS_PAGE)', validate: { query: anyQuery } },
      handler: async (_request, h) => {
        if (!statusPage) return h.response(notFound).code(404);
        return h.response(renderStatusPage(await current())).type('text/html; charset=utf-8').header('cache-control', 'no-cache');
      },
    });

    server.route({
      method: 'GET',
      path: '/status/feed.atom',
      options: { auth: false, description: 'The public status page\'s incidents as an Atom feed (no login; only with VIGIL_STATUS_PAGE)', validate: { query: anyQuery } },
      handler: async (request, h) => {
        if (!statusPage) return h.response(notFound).code(404);
        // Absolute, as Atom wants: the address the visitor used. Behind a proxy, what it forwarded of
        // it (X-Forwarded-Host/-Proto, else its Host); either way it only shapes this visitor's answer.
        const forwardedHost = firstForwarded(request.headers['x-forwarded-host']);
        const host = forwardedHost !== null && /^[A-Za-z0-9.:[\]-]+$/.test(forwardedHost) ? forwardedHost : request.info.host;
        const proto = firstForwarded(request.headers['x-forwarded-proto']) === 'https' ? 'https' : request.server.info.protocol;
        const base = `${proto}://${host}`;
        const feed = renderStatusFeed(await current(), `${base}/status/feed.atom`, `${base}/status`);
        return h.response(feed).type('application/atom+xml; charset=utf-8').header('cache-control', 'no-cache');
      },
    });

    server.route({
      method: 'GET',
      path: '/status.css',
      options: { auth: false, description: 'The public status page\'s styles', validate: { query: anyQuery } },
      handler: (_request, h) => (statusPage ? h.response(STATUS_PAGE_CSS).type('text/css; charset=utf-8') : h.response(notFound).code(404)),
    });
  },
};

/** The first value of a forwarded header (proxies in a chain append theirs after a comma). */
function firstForwarded(value: unknown): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string') return null;
  const first = text.split(',')[0]?.trim();
  return first === undefined || first === '' ? null : first;
}
