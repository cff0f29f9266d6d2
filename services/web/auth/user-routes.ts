// Managing users (admins only): list, create, change role or password, delete. The last admin
// can be neither demoted nor deleted, or nobody could manage users any more.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { USER_ROLES } from '../../../lib/auth/credentials.ts';
import { createUser, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_NAME_PATTERN, USER_NAME_RULE } from '../../../lib/auth/create-user.ts';
import { hashPassword } from '../../../lib/auth/password-hash.ts';
import type { UserRole, VigilDb } from '../../../lib/db/database.ts';
import { deleteUserSessions } from '../../../lib/db/queries/sessions.ts';
import { deleteUser, DuplicateUserError, listUsers, updateUser, type StoredUser } from '../../../lib/db/queries/user-accounts.ts';
import type { Logger } from '../../../lib/log.ts';
import { ADMIN_ONLY, credentialsOf, sessionOf } from './auth-plugin.ts';

export interface UserRoutesOptions {
  db: VigilDb;
  log: Logger;
  now?: () => number;
}

const userName = Joi.string()
  .pattern(USER_NAME_PATTERN)
  .required()
  .messages({ 'string.pattern.base': `{{#label}} must have ${USER_NAME_RULE}` });
const role = Joi.string().valid(...USER_ROLES);
/** A password being set: by an admin here, by its owner in password-routes.ts. */
export const NEW_PASSWORD = Joi.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);

const toApiUser = (user: StoredUser) => ({ name: user.name, role: user.role, createdAt: new Date(user.createdAt).toISOString(), updatedAt: new Date(user.updatedAt).toISOString() });

const lastAdmin = (name: string) => ({
  statusCode: 409,
  error: 'Conflict',
  message: `${JSON.stringify(name)} is the last admin; make another user admin first`,
});
const noSuchUser = (name: string) => ({ statusCode: 404, error: 'Not Found', message: `no user named ${JSON.stringify(name)}` });

export const userRoutes: Plugin<UserRoutesOptions> = {
  name: 'vigil-user-routes',
  dependencies: ['vigil-auth'],
  register(server, options) {
    const { db, log } = options;
    const now = options.now ?? Date.now;

    server.route({
      method: 'GET',
      path: '/api/v1/users',
      options: { description: 'List users and their roles', auth: ADMIN_ONLY, validate: { query: Joi.object({}) } },
      handler: async () => ({ users: (await listUsers(db)).map(toApiUser) }),
    });

    server.route({
      method: 'POST',
      path: '/api/v1/users',
      options: {
        description: 'Create a user',
        auth: ADMIN_ONLY,
        validate: { payload: Joi.object({ name: userName, role: role.required(), password: NEW_PASSWORD.required() }) },
      },
      handler: async (request, h) => {
        const body = request.payload as { name: string; role: UserRole; password: string };
        try {
          const user = await createUser(db, body);
          log.info('user created', { name: user.name, role: user.role, by: credentialsOf(request).user.name });
          return h.response({ user: toApiUser(user) }).code(201);
        } catch (error) {
          if (error instanceof DuplicateUserError) return h.response({ statusCode: 409, error: 'Conflict', message: error.message }).code(409);
          throw error;
        }
      },
    });

    server.route({
      method: 'PATCH',
      path: '/api/v1/users/{name}',
      options: {
        description: 'Change a user\'s role or password',
        auth: ADMIN_ONLY,
        validate: {
          params: Joi.object({ name: userName }),
          payload: Joi.object({ role, password: NEW_PASSWORD }).or('role', 'password').messages({ 'object.missing': 'give "role", "password" or both' }),
        },
      },
      handler: async (request, h) => {
        const { name } = request.params as { name: string };
        const body = request.payload as { role?: UserRole; password?: string };
        const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
        const result = await updateUser(db, name, { ...(body.role !== undefined ? { role: body.role } : {}), ...(passwordHash !== undefined ? { passwordHash } : {}), at: now() });
        if (!result.ok) return result.reason === 'not-found' ? h.response(noSuchUser(name)).code(404) : h.response(lastAdmin(name)).code(409);
        const acting = credentialsOf(request).user.name;
        if (passwordHash !== undefined) {
          // A new password ends the user's other logins; whoever changed it stays logged in.
          await deleteUserSessions(db, name, acting === name ? sessionOf(request)?.sessionIdHash : undefined);
        }
        log.info('user changed', { name, role: body.role, password: passwordHash !== undefined ? 'changed' : undefined, by: acting });
        return { user: toApiUser(result.user) };
      },
    });

    server.route({
      method: 'DELETE',
      path: '/api/v1/users/{name}',
      options: { description: 'Delete a user', auth: ADMIN_ONLY, validate: { params: Joi.object({ name: userName }), query: Joi.object({}) } },
      handler: async (request, h) => {
        const { name } = request.params as { name: string };
        const result = await deleteUser(db, name);
        if (!result.ok) return result.reason === 'not-found' ? h.response(noSuchUser(name)).code(404) : h.response(lastAdmin(name)).code(409);
        log.info('user deleted', { name, by: credentialsOf(request).user.name });
        return h.response().code(204);
      },
    });
  },
};
