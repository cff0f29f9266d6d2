// The inventory the scheduler polls from: the history of its reloads (with the error of the
// latest one while it failed: file, line and message, never a variable's value), and the
// snapshot of groups and hosts it stored on its last good reload, secrets already masked.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { VigilDb } from '../../../lib/db/database.ts';
import { selectInventoryHost } from '../../../lib/db/queries/select-inventory-host.ts';
import { selectInventoryTree } from '../../../lib/db/queries/select-inventory-tree.ts';
import { DEFAULT_RECENT_RELOADS, selectInventoryStatus } from '../../../lib/db/queries/select-inventory-status.ts';
import { hostParams } from './hosts-routes.ts';

export interface InventoryRoutesOptions {
  db: VigilDb;
}

const NO_SNAPSHOT = 'no inventory snapshot yet: the scheduler stores one when it first reads the inventory successfully';

const notFound = (message: string) => ({ statusCode: 404, error: 'Not Found', message });

export const inventoryRoutes: Plugin<InventoryRoutesOptions> = {
  name: 'vigil-inventory-routes',
  register(server, options) {
    server.route({
      method: 'GET',
      path: '/api/v1/inventory',
      options: {
        description: 'Inventory status and recent reloads',
        notes: 'The inventory in use (the newest good reload), the latest reload, its error while it failed (file, line, message), and the recent reloads, newest first.',
        tags: ['inventory'],
        validate: {
          query: Joi.object({
            recent: Joi.number().integer().min(0).max(500).default(DEFAULT_RECENT_RELOADS).description('How many recent reloads to list'),
          }),
        },
      },
      handler: async (request) => {
        const { recent } = request.query as { recent: number };
        return selectInventoryStatus(options.db, recent);
      },
    });

    server.route({
      method: 'GET',
      path: '/api/v1/inventory/tree',
      options: {
        description: 'Groups and hosts of the inventory',
        notes:
          'The group tree (children, direct hosts, group variables) and every host with its groups and variables merged as Ansible merges them, as the scheduler read them on its last good reload. Secrets are masked as "********". 404 before the first snapshot.',
        tags: ['inventory'],
        validate: { query: Joi.object({}) },
      },
      handler: async (_request, h) => {
        const tree = await selectInventoryTree(options.db);
        return tree ?? h.response(notFound(NO_SNAPSHOT)).code(404);
      },
    });

    server.route({
      method: 'GET',
      path: '/api/v1/inventory/hosts/{name}',
      options: {
        description: "One host's merged inventory variables",
        notes: 'Its groups and its variables merged as Ansible merges them, secrets masked as "********".',
        tags: ['inventory'],
        validate: {
          params: hostParams,
          query: Joi.object({}),
        },
      },
      handler: async (request, h) => {
        const { name } = request.params as { name: string };
        const result = await selectInventoryHost(options.db, name);
        if (result.found) return result.host;
        const message = result.reason === 'no-snapshot' ? NO_SNAPSHOT : `no host named ${JSON.stringify(name)} in the inventory`;
        return h.response(notFound(message)).code(404);
      },
    });
  },
};
