// The JSON API the dashboard reads: the fleet overview, and one host's detail, time series and
// top processes at a moment.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { VigilDb } from '../../../lib/db/database.ts';
import { MAX_CURSOR_LENGTH, listHostsSince, parseHostListCursor } from '../../../lib/db/queries/list-hosts-since.ts';
import type { HostListCursor } from '../../../lib/db/queries/list-hosts-since.ts';
import { DEFAULT_MAX_POINTS, selectHostSeries } from '../../../lib/db/queries/select-host-series.ts';
import type { SeriesResolution } from '../../../lib/db/queries/select-host-series.ts';
import { selectHostDetail } from '../../../lib/db/queries/select-host-detail.ts';
import { PROCESSES_LOOKBACK_MS, selectProcessesAt } from '../../../lib/db/queries/select-processes-at.ts';

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
export const instant = Joi.string()
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

/** The {name} of every /api/v1/hosts/{name}/… route. */
export const hostParams = Joi.object({ name: Joi.string().min(1).max(255).required().description('The inventory name of the host') });

export const noHost = (name: string) => ({ statusCode: 404, error: 'Not Found', message: `no host named ${JSON.stringify(name)}` });

export const hostsRoutes: Plugin<HostsRoutesOptions> = {
  name: 'vigil-hosts-routes',
  register(server, options) {
    const now = options.now ?? Date.now;

    server.route({
      method: 'GET',
      path: '/api/v1/hosts',
      options: {
        description: 'Every host with its status and latest sample, or those changed since a cursor',
        notes:
          'Every answer carries a "cursor". Asked again with "changedSince" set to it, the answer holds only the hosts whose status, status reason or newest sample changed since (after a very busy moment on the database, also some that did not), with "full" false; when the inventory changed since (a host added, removed, readdressed or regrouped), it holds every host again, with "full" true.',
        validate: {
          query: Joi.object({
            changedSince: Joi.string()
              .trim()
              .max(MAX_CURSOR_LENGTH)
              .custom((value: string, helpers) => parseHostListCursor(value) ?? helpers.error('any.invalid'))
              .messages({ 'any.invalid': '{{#label}} must be the cursor of an earlier answer of GET /api/v1/hosts' })
              .description('The cursor of an earlier answer: only the hosts changed since it'),
          }),
        },
      },
      handler: async (request) => listHostsSince(options.db, (request.query as { changedSince?: HostListCursor }).changedSince ?? null),
    });

    server.route({
      method: 'GET',
      path: '/api/v1/hosts/{name}',
      options: {
        description: 'One host: status, inventory place, facts, and the devices of its newest sample',
        notes: "Facts (hostname, OS, kernel, CPU, boot time) as the host last reported them; filesystems, interfaces, disks, GPUs and pressure from the newest sample; systemd's failed units from the newest full poll of the last day; \"checks\": the newest results of the host's service checks (vigil_checks), from a failed poll when that is newer (pollFailed true: its HTTP and TCP checks ran, systemd ones may be missing), null for a host without checks; \"latest.device\": the SNMP report of a printer or network device, null for other hosts; \"parent\", \"powerState\", \"runsOn\": for an entry seen through another host's poll (a vCenter's hypervisor or VM), the host polled for it, its power state and the entry running it, null for inventory hosts.",
        tags: ['hosts'],
        validate: { params: hostParams, query: Joi.object({}) },
      },
      handler: async (request, h) => {
        const { name } = request.params as { name: string };
        const detail = await selectHostDetail(options.db, name);
        return detail === null ? h.response(noHost(name)).code(404) : { host: detail };
      },
    });

    server.route({
      method: 'GET',
      path: '/api/v1/hosts/{name}/processes',
      options: {
        description: 'The top processes by CPU and by memory at a moment',
        notes: `From the newest full poll at or before "at" (light polls do not list processes), at most ${PROCESSES_LOOKBACK_MS / 60_000} minutes earlier; "sample" is null when there is none, e.g. past raw retention.`,
        tags: ['hosts'],
        validate: {
          params: hostParams,
          query: Joi.object({ at: instant.description('The moment: ISO 8601 or milliseconds since the epoch; default now') }),
        },
      },
      handler: async (request, h) => {
        const { name } = request.params as { name: string };
        const atMs = (request.query as { at?: number }).at ?? now();
        const found = await selectProcessesAt(options.db, { host: name, atMs });
        if (found === undefined) return h.response(noHost(name)).code(404);
        return {
          host: name,
          at: new Date(atMs).toISOString(),
          sample: found === null ? null : { ts: new Date(found.ts).toISOString(), ...found.processes },
        };
      },
    });

    const samplesQuery = Joi.object({
      from: instant.description('Start: ISO 8601 or milliseconds since the epoch; default an hour before "to"'),
      to: instant.description('End: ISO 8601 or milliseconds since the epoch; default now'),
      maxPoints: Joi.number().integer().min(2).max(20_000).default(DEFAULT_MAX_POINTS).description('Most points returned; about the chart\'s width in pixels'),
      resolution: Joi.string().valid('auto', 'raw', '1m', '1h').default('auto').description('What to read: raw samples, a rollup, or chosen from the range'),
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
        description: "Every chart's columns of one host over a time range",
        notes:
          'uPlot\'s columnar form: ts in Unix seconds, and one array per figure aligned with it; per-device figures (filesystems, interfaces, disks, GPUs) as lists of { name, …arrays }. Raw samples for short recent ranges, the 1-minute or 1-hour rollups beyond; more than maxPoints points are averaged into equal buckets.',
        tags: ['hosts'],
        validate: {
          params: hostParams,
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
        if (series === null) return h.response(noHost(name)).code(404);
        return series;
      },
    });
  },
};
