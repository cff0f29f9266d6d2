// GET /metrics in the Prometheus text format. In `vigil up` the registry is the whole process's,
// so this one endpoint covers the scheduler, worker and writer running beside the web server.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { Registry } from 'prom-client';
import { processMetrics } from '../../../lib/metrics/vigil-metrics.ts';

export interface MetricsRoutesOptions {
  /** Default: this process's shared registry. */
  registry?: Registry;
}

export const metricsRoutes: Plugin<MetricsRoutesOptions> = {
  name: 'vigil-metrics-routes',
  register(server, options) {
    const registry = options.registry ?? processMetrics().registry;
    server.route({
      method: 'GET',
      path: '/metrics',
      // hapi refuses a params schema on a path without parameters, so only the query is pinned down.
      options: {
        description: 'Prometheus metrics',
        notes: 'The Prometheus text format; in `vigil up` it covers every service of the process.',
        tags: ['metrics'],
        validate: { query: Joi.object({}) },
      },
      handler: async (_request, h) => {
        const text = await registry.metrics();
        return h.response(text).type(registry.contentType);
      },
    });
  },
};
