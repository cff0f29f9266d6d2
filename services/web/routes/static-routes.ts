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

    // Without this the catch-all below would answer an API typo with "dashboard not built" or an HTML-ish 404.
    server.route({
      // GET only: a wildcard method loses to the GET catch-all, and other methods get hapi's JSON 404 anyway.
      method: 'GET',
      path: '/api/{path*}',
      options: { validate: { params: Joi.object({ path: Joi.string().max(1024).allow('') }), query: Joi.object({}).unknown(true) } },
      handler: (request, h) =>
        h.response({ statusCode: 404, error: 'Not Found', message: `no API route GET ${request.path}` }).code(404),
    });

    server.route({
      method: 'GET',
      path: '/{path*}',
      options: {
        // The dashboard's files hold no data and must load for its login form to show.
        auth: false,
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
