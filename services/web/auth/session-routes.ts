// Logging in and out: POST /api/v1/session checks name and password and sets the session
// cookie; GET tells the dashboard who is logged in and the CSRF token its writes must send;
// DELETE ends the session.
import type { Plugin, ResponseObject, ResponseToolkit } from '@hapi/hapi';
import Joi from 'joi';
import { verifyAgainstDecoy, verifyPassword } from '../../../lib/auth/password-hash.ts';
import { LoginLimiter } from '../../../lib/auth/login-limiter.ts';
import { randomSecret, sha256Hex } from '../../../lib/auth/secrets.ts';
import { SESSION_ABSOLUTE_MS, SESSION_COOKIE, SESSION_IDLE_MS } from '../../../lib/auth/session-policy.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { deleteExpiredSessions, deleteSession, insertSession } from '../../../lib/db/queries/sessions.ts';
import { selectPasswordHash } from '../../../lib/db/queries/user-accounts.ts';
import type { Logger } from '../../../lib/log.ts';
import { credentialsOf, sessionOf } from './auth-plugin.ts';

export interface SessionRoutesOptions {
  db: VigilDb;
  log: Logger;
  limiter?: LoginLimiter;
  now?: () => number;
}

export const INVALID_LOGIN_MESSAGE = 'invalid name or password';

/** The 429 of a name and address with too many failed password checks (LoginLimiter). */
export function tooManyFailures(h: ResponseToolkit, waitMs: number): ResponseObject {
  const seconds = Math.ceil(waitMs / 1000);
  return h
    .response({ statusCode: 429, error: 'Too Many Requests', message: `too many failed logins; try again in ${seconds} s` })
    .code(429)
    .header('retry-after', String(seconds));
}

export const sessionRoutes: Plugin<SessionRoutesOptions> = {
  name: 'vigil-session-routes',
  dependencies: ['vigil-auth'],
  register(server, options) {
    const { db, log } = options;
    const now = options.now ?? Date.now;
    const limiter = options.limiter ?? new LoginLimiter(undefined, now);
    const noStore = { 'cache-control': 'no-store' };

    server.route({
      method: 'GET',
      path: '/api/v1/session',
      options: { description: 'The logged-in user and the session\'s CSRF token', validate: { query: Joi.object({}) } },
      handler: (request, h) => {
        const credentials = credentialsOf(request);
        return h.response({ user: credentials.user, via: credentials.via, csrfToken: sessionOf(request)?.csrfToken ?? null }).header('cache-control', noStore['cache-control']);
      },
    });

    server.route({
      method: 'POST',
      path: '/api/v1/session',
      options: {
        description: 'Log in with name and password; sets the session cookie',
        auth: false,
        validate: {
          payload: Joi.object({
            name: Joi.string().min(1).max(256).required(),
            password: Joi.string().min(1).max(1024).required(),
          }),
        },
      },
      handler: async (request, h) => {
        const { name, password } = request.payload as { name: string; password: string };
        const ip = request.info.remoteAddress;
        const waitMs = limiter.retryAfterMs(name, ip);
        if (waitMs > 0) {
          log.warn('login refused: too many failures', { name, ip, retryAfterSec: Math.ceil(waitMs / 1000) });
          return tooManyFailures(h, waitMs);
        }
        // An unknown name costs a full scrypt too: the answer's timing must not tell which names exist.
        const user = await selectPasswordHash(db, name);
        const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDecoy(password);
        if (!user || !ok) {
          limiter.recordFailure(name, ip);
          log.warn('login failed', { name, ip });
          return h.response({ statusCode: 401, error: 'Unauthorized', message: INVALID_LOGIN_MESSAGE }).code(401);
        }
        limiter.recordSuccess(name, ip);
        const at = now();
        const sessionId = randomSecret();
        const csrfToken = randomSecret();
        // Housekeeping where it costs nothing noticeable: logins are rare.
        await deleteExpiredSessions(db, { now: at, idleMs: SESSION_IDLE_MS, absoluteMs: SESSION_ABSOLUTE_MS });
        await insertSession(db, { idHash: sha256Hex(sessionId), userName: user.name, csrfToken, at });
        log.info('logged in', { name: user.name, ip });
        return h
          .response({ user: { name: user.name, role: user.role }, via: 'session', csrfToken })
          .header('cache-control', noStore['cache-control'])
          .state(SESSION_COOKIE, sessionId);
      },
    });

    server.route({
      method: 'DELETE',
      path: '/api/v1/session',
      options: { description: 'Log out: ends the session', validate: { query: Joi.object({}) } },
      handler: async (request, h) => {
        const session = sessionOf(request);
        if (session === undefined) {
          return h
            .response({ statusCode: 400, error: 'Bad Request', message: 'an API token has no session to log out of; revoke the token instead (DELETE /api/v1/tokens/{id})' })
            .code(400);
        }
        await deleteSession(db, session.sessionIdHash);
        log.info('logged out', { name: credentialsOf(request).user.name });
        return h.response().code(204).unstate(SESSION_COOKIE);
      },
    });
  },
};
