// API tokens (admins only): list, create (the token is in the answer once and never again),
// revoke. A token acts as its user, with that user's current role.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { createApiToken, USER_NAME_PATTERN } from '../../../lib/auth/create-user.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { deleteApiToken, listApiTokens, type StoredApiToken } from '../../../lib/db/queries/api-tokens.ts';
import { selectUser } from '../../../lib/db/queries/user-accounts.ts';
import type { Logger } from '../../../lib/log.ts';
import { ADMIN_ONLY, credentialsOf } from './auth-plugin.ts';

export interface TokenRoutesOptions {
  db: VigilDb;
  log: Logger;
  now?: () => number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const toApiToken = (token: StoredApiToken) => ({
  id: token.id,
  name: token.name,
  user: token.user,
  createdAt: iso(token.createdAt),
  expiresAt: iso(token.expiresAt),
  lastUsedAt: iso(token.lastUsedAt),
});

export const tokenRoutes: Plugin<TokenRoutesOptions> = {
  name: 'vigil-token-routes',
  dependencies: ['vigil-auth'],
  register(server, options) {
    const { db, log } = options;
    const now = options.now ?? Date.now;

    server.route({
      method: 'GET',
      path: '/api/v1/tokens',
      options: { description: 'List API tokens (never their values)', auth: ADMIN_ONLY, validate: { query: Joi.object({ user: Joi.string().pattern(USER_NAME_PATTERN) }) } },
      handler: async (request) => {
        const { user } = request.query as { user?: string };
        return { tokens: (await listApiTokens(db, user === undefined ? {} : { user })).map(toApiToken) };
      },
    });

    server.route({
      method: 'POST',
      path: '/api/v1/tokens',
      options: {
        description: 'Create an API token; its value is shown this once',
        auth: ADMIN_ONLY,
        validate: {
          payload: Joi.object({
            name: Joi.string().trim().min(1).max(100).required(),
            user: Joi.string().pattern(USER_NAME_PATTERN).messages({ 'string.pattern.base': '{{#label}} must be a user name' }),
            expiresInDays: Joi.number().integer().min(1).max(3650),
          }),
        },
      },
      handler: async (request, h) => {
        const body = request.payload as { name: string; user?: string; expiresInDays?: number };
        const acting = credentialsOf(request).user.name;
        const owner = body.user ?? acting;
        if (!(await selectUser(db, owner))) return h.response({ statusCode: 404, error: 'Not Found', message: `no user named ${JSON.stringify(owner)}` }).code(404);
        const created = await createApiToken(db, { userName: owner, name: body.name, now: now(), ...(body.expiresInDays !== undefined ? { expiresInDays: body.expiresInDays } : {}) });
        log.info('API token created', { id: created.id, name: created.name, user: owner, by: acting });
        return h.response({ token: created.token, ...toApiToken(created) }).code(201).header('cache-control', 'no-store');
      },
    });

    server.route({
      method: 'DELETE',
      path: '/api/v1/tokens/{id}',
      options: { description: 'Revoke an API token', auth: ADMIN_ONLY, validate: { params: Joi.object({ id: Joi.number().integer().min(1).max(Number.MAX_SAFE_INTEGER).required() }), query: Joi.object({}) } },
      handler: async (request, h) => {
        const { id } = request.params as { id: number };
        if (!(await deleteApiToken(db, id))) return h.response({ statusCode: 404, error: 'Not Found', message: `no API token with id ${id}` }).code(404);
        log.info('API token revoked', { id, by: credentialsOf(request).user.name });
        return h.response().code(204);
      },
    });
  },
};
