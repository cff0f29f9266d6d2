// The built dashboard (index.html, app.js, CSS), served from a directory made by buildWeb.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';

export interface StaticRoutesOptions {
  staticDir: string;
}

export const staticRoutes: Plugin<StaticRoutesOptions> = {
  name: 'vigil-static-routes',
  dependencies: ['@hapi/inert'],
  register(server, options) {
    const indexFile = join(options.staticDir, 'index.html');

    server.route({
      method: 'GET',
      path: '/{path*}',
      options: {
        validate: {
          params: Joi.object({ path: Joi.string().max(1024).allow('') }),
          query: Joi.object({}).unknown(true),
        },
        // Checked on every request rather than at start-up, so a build made while the server runs is picked up.
        pre: [
          {
            method: async (_request, h) => {
              try {
                await access(indexFile);
                return h.continue;
              } catch {
                return h
                  .response({
                    statusCode: 503,
                    error: 'Service Unavailable',
                    message: `the dashboard is not built: ${indexFile} is missing; run \`npm run build:web\` (or \`npx vigil build-web\`)`,
                  })
                  .code(503)
                  .takeover();
              }
            },
          },
        ],
        cache: { privacy: 'public', otherwise: 'no-cache' },
      },
      handler: {
        directory: { path: options.staticDir, index: ['index.html'], listing: false, redirectToSlash: false, showHidden: false },
      },
    });
  },
};
