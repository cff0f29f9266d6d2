// The inventory the scheduler polls from and the history of its reloads, with the error of
// the latest one while it failed (file, line and message; never a variable's value).
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { VigilDb } from '../../../lib/db/database.ts';
import { DEFAULT_RECENT_RELOADS, selectInventoryStatus } from '../../../lib/db/queries/select-inventory-status.ts';

export interface InventoryRoutesOptions {
  db: VigilDb;
}

export const inventoryRoutes: Plugin<InventoryRoutesOptions> = {
  name: 'vigil-inventory-routes',
  register(server, options) {
    server.route({
      method: 'GET',
      path: '/api/v1/inventory',
      options: {
        validate: { query: Joi.object({ recent: Joi.number().integer().min(0).max(500).default(DEFAULT_RECENT_RELOADS) }) },
      },
      handler: async (request) => {
        const { recent } = request.query as { recent: number };
        return selectInventoryStatus(options.db, recent);
      },
    });
  },
};
