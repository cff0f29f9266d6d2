// GET /metrics/hosts: every host's newest figures in the Prometheus text format, for a Prometheus
// server that scrapes Vigil instead of a node_exporter on each host. `group` splits a large fleet
// over several scrape jobs.
import { Readable } from 'node:stream';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { VigilDb } from '../../../lib/db/database.ts';
import { MIN_STALE_SEC, STALE_AFTER_INTERVALS, selectHostMetrics } from '../../../lib/db/queries/select-host-metrics.ts';
import { HOST_METRICS_CONTENT_TYPE, renderHostMetrics } from '../../../lib/metrics/host-metrics-text.ts';

export interface HostMetricsRoutesOptions {
  db: VigilDb;
  /** The clock staleness is measured from; tests pin it. */
  now?: () => number;
}

/** More groups than an inventory plausibly names in one scrape job; keeps the query's array bounded. */
const MAX_GROUPS = 100;

export const hostMetricsRoutes: Plugin<HostMetricsRoutesOptions> = {
  name: 'vigil-host-metrics-routes',
  register(server, options) {
    const now = options.now ?? Date.now;
    server.route({
      method: 'GET',
      path: '/metrics/hosts',
      options: {
        description: "Every host's newest figures as Prometheus metrics",
        notes:
          `The Prometheus text format, one gauge family per figure (vigil_host_*), labelled with the inventory name as "host": ` +
          `CPU, memory, load, filesystems, network, disks, pressure, GPUs and service checks from each host's newest sample, ` +
          `left out once that sample is older than ${STALE_AFTER_INTERVALS} of the host's intervals (and than ${MIN_STALE_SEC} s); ` +
          'vigil_host_up from its latest poll; vigil_host_info carries its facts and groups. Hosts removed from the inventory are not listed. ' +
          'With "group" (repeatable), only the hosts in at least one of those groups (a host in a child group is in its parents too); ' +
          'a group no host is in gives an empty answer.',
        tags: ['metrics'],
        validate: {
          query: Joi.object({
            group: Joi.array()
              .items(Joi.string().trim().min(1).max(255))
              .single()
              .max(MAX_GROUPS)
              .description('Only the hosts in this inventory group; repeat it for several'),
          }),
        },
      },
      handler: async (request, h) => {
        const { group } = request.query as { group?: string[] };
        const hosts = await selectHostMetrics(options.db, { ...(group ? { groups: group } : {}), now: now() });
        return h.response(Readable.from(renderHostMetrics(hosts), { objectMode: false })).type(HOST_METRICS_CONTENT_TYPE);
      },
    });
  },
};
