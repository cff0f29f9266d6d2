// Availability reports: how much of a period each host and each of its service checks was up
// (lib/availability/availability-report.ts), and one host's outages.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { buildAvailabilityReport } from '../../../lib/availability/availability-report.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { selectAvailabilityInputs } from '../../../lib/db/queries/select-availability-inputs.ts';
import type { ApiAvailabilityReport, ApiHostOutages } from '../../../lib/web/api-availability.ts';
import { hostParams, instant, noHost } from './hosts-routes.ts';

export interface AvailabilityRoutesOptions {
  db: VigilDb;
  /** The clock the default period and open outages are measured from; tests pin it. */
  now?: () => number;
}

const DAY_MS = 86_400_000;
const MAX_PERIOD_MS = 400 * DAY_MS;
const name = Joi.string().trim().min(1).max(255);

export const availabilityRoutes: Plugin<AvailabilityRoutesOptions> = {
  name: 'vigil-availability-routes',
  register(server, options) {
    const { db } = options;
    const now = options.now ?? Date.now;

    const period = Joi.object({
      from: instant.description('Start: ISO 8601 or milliseconds since the epoch; default 30 days before "to"'),
      to: instant.description('End: ISO 8601 or milliseconds since the epoch; default now'),
    }).custom((value: { from?: number; to?: number }, helpers) => {
      const to = value.to ?? now();
      const from = value.from ?? to - 30 * DAY_MS;
      if (to <= from) return helpers.message({ custom: '"to" must be later than "from"' });
      if (to - from > MAX_PERIOD_MS) return helpers.message({ custom: 'the period from "from" to "to" must be at most 400 days' });
      return { ...value, from, to };
    });

    server.route({
      method: 'GET',
      path: '/api/v1/availability',
      options: {
        description: 'How much of a period each host, and each service check that failed in it, was up',
        notes:
          'A host is down while a host-down rule (host_down) fires for it, from its first failed poll to its first good one; a check while a check-failing rule (check_failing) fires for it. Time in the host\'s maintenance windows (vigil_maintenance, as set now) and before the host was first seen or after it left the inventory is not counted. Hosts come in the order of their availability, lowest first; "checks" lists the checks with outages in the period. Outages are recorded from the upgrade that brought this report on (those under way then count from their start). A host with vigil_availability_target has "targetPct", "targetMet" and "budgetLeftSeconds" (the down time the target still allows in the period; negative once missed).',
        tags: ['api', 'availability'],
        validate: {
          query: period.keys({
            host: name.description('Only this host'),
            group: name.description('Only the hosts of this inventory group'),
          }),
        },
      },
      handler: (request): Promise<ApiAvailabilityReport> => {
        const { from, to, host, group } = request.query as { from: number; to: number; host?: string; group?: string };
        return buildAvailabilityReport(db, { from, to, now: now(), ...(host ? { host } : {}), ...(group ? { group } : {}) });
      },
    });

    server.route({
      method: 'GET',
      path: '/api/v1/hosts/{name}/outages',
      options: {
        description: "One host's outages and its checks' in a period, newest first",
        notes: 'The times a host-down or check-failing rule fired for the host that overlap the period (default the last 30 days), each whole: "endedAt" is null while it goes on.',
        tags: ['api', 'availability'],
        validate: { params: hostParams, query: period },
      },
      handler: async (request, h) => {
        const { name: host } = request.params as { name: string };
        const { from, to } = request.query as { from: number; to: number };
        const { hosts, episodes } = await selectAvailabilityInputs(db, { from, to, host });
        if (hosts.length === 0) return h.response(noHost(host)).code(404);
        const at = now();
        const answer: ApiHostOutages = {
          host,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          outages: episodes.reverse().map((episode) => ({
            what: episode.kind === 'host-down' ? 'host' : 'check',
            check: episode.check,
            rule: episode.rule,
            startedAt: new Date(episode.startedAt).toISOString(),
            endedAt: episode.endedAt === null ? null : new Date(episode.endedAt).toISOString(),
            seconds: Math.round(((episode.endedAt ?? at) - episode.startedAt) / 1000),
          })),
        };
        return answer;
      },
    });
  },
};
