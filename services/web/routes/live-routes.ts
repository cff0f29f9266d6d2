// Live polling of one host: while somebody watches it closely, the scheduler polls it every
// second or so (light polls) for a few minutes, then goes back to its usual interval.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { VigilDb } from '../../../lib/db/database.ts';
import { endLivePoll, selectLivePoll, startLivePoll, type LivePoll } from '../../../lib/db/queries/live-polls.ts';
import { credentialsOf } from '../auth/auth-plugin.ts';
import { hostParams, noHost } from './hosts-routes.ts';

export interface LiveRoutesOptions {
  db: VigilDb;
  /** The clock live polls end by; tests pin it. */
  now?: () => number;
  /** Hosts polled live at once; each costs a poll a second. Default 20. */
  maxLiveHosts?: number;
}

export const DEFAULT_MAX_LIVE_HOSTS = 20;

export const liveRoutes: Plugin<LiveRoutesOptions> = {
  name: 'vigil-live-routes',
  register(server, options) {
    const { db } = options;
    const now = options.now ?? Date.now;
    const maxLiveHosts = options.maxLiveHosts ?? DEFAULT_MAX_LIVE_HOSTS;

    server.route({
      method: 'GET',
      path: '/api/v1/hosts/{name}/live',
      options: {
        description: 'Whether the host is polled live, and until when',
        notes: '"until" and "intervalSec" are null while the host is polled at its usual interval.',
        tags: ['hosts'],
        validate: { params: hostParams, query: Joi.object({}) },
      },
      handler: async (request, h) => {
        const { name } = request.params as { name: string };
        const found = await selectLivePoll(db, { host: name, nowMs: now() });
        if (!found) return h.response(noHost(name)).code(404);
        return toApiLive(name, found.livePoll);
      },
    });

    server.route({
      method: 'POST',
      path: '/api/v1/hosts/{name}/live',
      options: {
        description: 'Poll the host every second or few for some minutes',
        notes: `Light polls at intervalSec until "until", then the usual interval again; asking again extends it. At most ${maxLiveHosts} hosts at once (429 with Retry-After beyond). The scheduler picks it up within about a second.`,
        tags: ['hosts'],
        validate: {
          params: hostParams,
          // An empty body (no JSON at all) means the defaults.
          payload: Joi.object({
            minutes: Joi.number().integer().min(1).max(15).default(5).description('How long, from now'),
            intervalSec: Joi.number().integer().min(1).max(5).default(1).description('Seconds between polls'),
          }).allow(null),
        },
      },
      handler: async (request, h) => {
        const { name } = request.params as { name: string };
        const body = (request.payload ?? {}) as { minutes?: number; intervalSec?: number };
        const at = now();
        const result = await startLivePoll(db, {
          host: name,
          intervalSec: body.intervalSec ?? 1,
          untilMs: at + (body.minutes ?? 5) * 60_000,
          requestedBy: credentialsOf(request).user.name,
          nowMs: at,
          maxLiveHosts,
        });
        if (result.ok) return toApiLive(name, result.livePoll);
        if (result.reason === 'no-host') return h.response(noHost(name)).code(404);
        const retryAfterSec = Math.max(1, Math.ceil((result.firstEndsAtMs - at) / 1000));
        return h
          .response({
            statusCode: 429,
            error: 'Too Many Requests',
            message: `at most ${maxLiveHosts} hosts can be polled live at once and ${result.active} already are; the first of them ends in ${retryAfterSec} s (or end one with DELETE /api/v1/hosts/{name}/live)`,
          })
          .code(429)
          .header('retry-after', String(retryAfterSec));
      },
    });

    server.route({
      method: 'DELETE',
      path: '/api/v1/hosts/{name}/live',
      options: {
        description: 'End live polling of the host now',
        notes: 'Ending it when it is not running is fine.',
        tags: ['hosts'],
        validate: { params: hostParams },
      },
      handler: async (request, h) => {
        const { name } = request.params as { name: string };
        if (!(await endLivePoll(db, { host: name }))) return h.response(noHost(name)).code(404);
        return toApiLive(name, null);
      },
    });
  },
};

function toApiLive(host: string, livePoll: LivePoll | null) {
  return {
    host,
    until: livePoll === null ? null : new Date(livePoll.untilMs).toISOString(),
    intervalSec: livePoll?.intervalSec ?? null,
    requestedBy: livePoll?.requestedBy ?? null,
  };
}
