// Changing one's own password: POST /api/v1/session/password, for any logged-in user, with the
// current password beside the new one (a browser left logged in must not let a passer-by lock its
// owner out). A wrong current password counts as a failed login in the login limiter, so this
// route cannot be used to guess more often than the login form allows. The user's other browser
// sessions end; the one that made the change stays. Admins reset others' passwords with PATCH
// /api/v1/users/{name}.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { PASSWORD_MAX_LENGTH } from '../../../lib/auth/create-user.ts';
import type { LoginLimiter } from '../../../lib/auth/login-limiter.ts';
import { hashPassword, verifyPassword } from '../../../lib/auth/password-hash.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { deleteUserSessions } from '../../../lib/db/queries/sessions.ts';
import { selectPasswordHash, updateUser } from '../../../lib/db/queries/user-accounts.ts';
import type { Logger } from '../../../lib/log.ts';
import { credentialsOf, sessionOf } from './auth-plugin.ts';
import { tooManyFailures } from './session-routes.ts';
import { NEW_PASSWORD } from './user-routes.ts';

export interface PasswordRoutesOptions {
  db: VigilDb;
  log: Logger;
  /** The login routes' limiter: guesses here and there count together. */
  limiter: LoginLimiter;
  now?: () => number;
}

export const WRONG_CURRENT_PASSWORD_MESSAGE = '"currentPassword" is not your current password';

export const passwordRoutes: Plugin<PasswordRoutesOptions> = {
  name: 'vigil-password-routes',
  dependencies: ['vigil-auth'],
  register(server, options) {
    const { db, log, limiter } = options;
    const now = options.now ?? Date.now;

    server.route({
      method: 'POST',
      path: '/api/v1/session/password',
      options: {
        description: 'Change your own password',
        notes:
          'Needs the current password. Ends every other session of the user (logged out everywhere else); the session that made the change stays, and API tokens stay. A wrong current password counts as a failed login (429 with Retry-After after too many).',
        validate: {
          payload: Joi.object({
            currentPassword: Joi.string().min(1).max(PASSWORD_MAX_LENGTH).required(),
            newPassword: NEW_PASSWORD.required()
              .invalid(Joi.ref('currentPassword'))
              .messages({ 'any.invalid': '"newPassword" must differ from "currentPassword"' }),
          }),
        },
      },
      handler: async (request, h) => {
        const { currentPassword, newPassword } = request.payload as { currentPassword: string; newPassword: string };
        const { name } = credentialsOf(request).user;
        const ip = request.info.remoteAddress;
        const waitMs = limiter.retryAfterMs(name, ip);
        if (waitMs > 0) {
          log.warn('password change refused: too many failures', { name, ip, retryAfterSec: Math.ceil(waitMs / 1000) });
          return tooManyFailures(h, waitMs);
        }
        const stored = await selectPasswordHash(db, name);
        if (stored === null || !(await verifyPassword(currentPassword, stored.passwordHash))) {
          limiter.recordFailure(name, ip);
          log.warn('password change refused: wrong current password', { name, ip });
          // Not 401: the login is fine, and a 401 would log the dashboard out.
          return h.response({ statusCode: 403, error: 'Forbidden', message: WRONG_CURRENT_PASSWORD_MESSAGE }).code(403);
        }
        limiter.recordSuccess(name, ip);
        const result = await updateUser(db, name, { passwordHash: await hashPassword(newPassword), at: now() });
        if (!result.ok) return h.response({ statusCode: 404, error: 'Not Found', message: `the user ${JSON.stringify(name)} no longer exists` }).code(404);
        const endedSessions = await deleteUserSessions(db, name, sessionOf(request)?.sessionIdHash);
        log.info('password changed', { name, by: 'self', endedSessions });
        return h.response({ user: { name: result.user.name, role: result.user.role }, endedSessions }).header('cache-control', 'no-store');
      },
    });
  },
};
