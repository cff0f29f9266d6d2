// The JSON API the dashboard reads: the fleet overview and one host's time series.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { VigilDb } from '../../../lib/db/database.ts';
import { listHosts } from '../../../lib/db/queries/list-hosts.ts';
import { DEFAULT_MAX_POINTS, selectHostSeries } from '../../../lib/db/queries/select-host-series.ts';
import type { SeriesResolution } from '../../../lib/db/queries/select-host-series.ts';

export interface HostsRoutesOptions {
  db: VigilDb;
  /** The clock the default range is measured from; tests pin it. */
  now?: () => number;
  /** Raw retention: a range reaching further back reads rollups (VIGIL_RETENTION_RAW_DAYS). */
  rawRetentionDays?: number;
}

const HOUR_MS = 60 * 60 * 1000;
const MAX_RANGE_MS = 400 * 24 * HOUR_MS;

/** A point in time as ISO 8601 text or as milliseconds since the epoch, converted to milliseconds. */
const instant = Joi.string()
  .trim()
  .max(40)
  .custom((value: string, helpers) => {
    const ms = /^\d+$/.test(value) ? Number(value) : isoDate(value) ? Date.parse(value) : NaN;
    if (!Number.isSafeInteger(ms) || ms < 0) return helpers.error('any.invalid');
    return ms;
  })
  .messages({ 'any.invalid': '{{#label}} must be an ISO 8601 date or milliseconds since the epoch' });

// Date.parse alone takes anything from "1" to "March 7"; insist on an ISO-looking date first.
function isoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value);
}

export const hostsRoutes: Plugin<HostsRoutesOptions> = {
  name: 'vigil-hosts-routes',
  register(server, options) {
    const now = options.now ?? Date.now;

    server.route({
      method: 'GET',
      path: '/api/v1/hosts',
      options: { validate: { query: Joi.object({}) } },
      handler: async () => ({ hosts: await listHosts(options.db) }),
    });

    const samplesQuery = Joi.object({
      from: instant,
      to: instant,
      maxPoints: Joi.number().integer().min(2).max(20_000).default(DEFAULT_MAX_POINTS),
      resolution: Joi.string().valid('auto', 'raw', '1m', '1h').default('auto'),
    }).custom((value: { from?: number; to?: number; maxPoints: number }, helpers) => {
      // With only "from" (the dashboard asking for what is new), "to" is now, or just after "from"
      // when the worker that stamped the last sample runs a little ahead of this server's clock.
      const to = value.to ?? (value.from === undefined ? now() : Math.max(now(), value.from + 1));
      const from = value.from ?? to - HOUR_MS;
      if (to <= from) return helpers.message({ custom: '"to" must be later than "from"' });
      if (to - from > MAX_RANGE_MS) return helpers.message({ custom: 'the range from "from" to "to" must be at most 400 days' });
      return { ...value, from, to };
    });

    server.route({
      method: 'GET',
      path: '/api/v1/hosts/{name}/samples',
      options: {
        validate: {
          params: Joi.object({ name: Joi.string().min(1).max(255).required() }),
          query: samplesQuery,
        },
      },
      handler: async (request, h) => {
        const { name } = request.params as { name: string };
        const { from, to, maxPoints, resolution } = request.query as { from: number; to: number; maxPoints: number; resolution: SeriesResolution | 'auto' };
        const series = await selectHostSeries(options.db, {
          host: name,
          fromMs: from,
          toMs: to,
          maxPoints,
          resolution,
          nowMs: now(),
          ...(options.rawRetentionDays === undefined ? {} : { rawRetentionDays: options.rawRetentionDays }),
        });
        if (series === null) {
          return h.response({ statusCode: 404, error: 'Not Found', message: `no host named ${JSON.stringify(name)}` }).code(404);
        }
        return series;
      },
    });
  },
};
