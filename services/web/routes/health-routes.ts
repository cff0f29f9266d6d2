// Liveness and readiness probes, for systemd, a load balancer or Kubernetes.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { sql } from 'kysely';
import type { VigilDb } from '../../../lib/db/database.ts';
import type { Logger } from '../../../lib/log.ts';

export interface HealthRoutesOptions {
  db: VigilDb;
  log: Logger;
  /** A database that does not answer within this long counts as down. */
  readyTimeoutMs?: number;
}

export const healthRoutes: Plugin<HealthRoutesOptions> = {
  name: 'vigil-health-routes',
  register(server, options) {
    const readyTimeoutMs = options.readyTimeoutMs ?? 2000;
    // hapi refuses a params schema on a path without parameters, so only the query is pinned down.
    const noInput = { query: Joi.object({}) };
    // Probes (systemd, load balancers, Kubernetes) carry no login; the answers reveal nothing.
    const auth = false;

    server.route({
      method: 'GET',
      path: '/healthz',
      options: { auth, description: 'Liveness: the process answers', tags: ['health'], validate: noInput },
      handler: () => ({ status: 'ok' }),
    });

    server.route({
      method: 'GET',
      path: '/readyz',
      options: {
        auth,
        description: 'Readiness: the database answers',
        notes: '200 {"status":"ok"} when the database answers within the timeout, else 503 {"status":"unavailable","reason":"database"}.',
        tags: ['health'],
        validate: noInput,
      },
      handler: async (_request, h) => {
        try {
          await withTimeout(sql`select 1`.execute(options.db), readyTimeoutMs);
          return { status: 'ok' };
        } catch (err) {
          options.log.warn('readiness check failed', { err });
          return h.response({ status: 'unavailable', reason: 'database' }).code(503);
        }
      },
    });
  },
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
