// GET /api/v1/openapi.json: the OpenAPI 3.1 description of this server's API, made from its own
// route table the first time it is asked for (every route is registered by then).
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { vigilApiInfo } from '../../../lib/web/api-info.ts';
import { buildOpenApiDocument } from '../../../lib/web/openapi.ts';
import type { OpenApiDocument } from '../../../lib/web/openapi.ts';

export const openapiRoutes: Plugin<Record<string, never>> = {
  name: 'vigil-openapi-routes',
  register(server) {
    let document: OpenApiDocument | null = null;
    server.route({
      method: 'GET',
      path: '/api/v1/openapi.json',
      options: {
        // No login: it describes the API and holds no data (no host, user or secret), and a
        // client needs it before it has credentials, to learn how to log in.
        auth: false,
        description: 'This API described in OpenAPI 3.1',
        notes: 'Generated from the server\'s route table: paths, parameters and bodies from the Joi validation, who may call what from the auth settings.',
        tags: ['meta'],
        validate: { query: Joi.object({}) },
      },
      handler: () => (document ??= buildOpenApiDocument(server, vigilApiInfo())),
    });
  },
};
