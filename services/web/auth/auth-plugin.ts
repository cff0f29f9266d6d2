// Login for the whole web server: a hapi auth scheme that accepts a session cookie (browsers)
// or an API token (scripts, Prometheus), registered as the default strategy, so that a route
// is protected unless it says `auth: false`. Also the CSRF check for cookie-authenticated
// writes. Must be registered before any route that sets `auth.access`.
import Boom from '@hapi/boom';
import type { Plugin, Request, ResponseToolkit } from '@hapi/hapi';
import { credentialsFor, type VigilCredentials } from '../../../lib/auth/credentials.ts';
import { API_TOKEN_PREFIX, secretsEqual, sha256Hex } from '../../../lib/auth/secrets.ts';
import { SESSION_ABSOLUTE_MS, SESSION_COOKIE, SESSION_IDLE_MS, SESSION_TOUCH_EVERY_MS, TOKEN_TOUCH_EVERY_MS } from '../../../lib/auth/session-policy.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { selectLiveApiToken, touchApiToken } from '../../../lib/db/queries/api-tokens.ts';
import { selectLiveSession, touchSession } from '../../../lib/db/queries/sessions.ts';

export interface AuthPluginOptions {
  db: VigilDb;
  /** Send the session cookie only over HTTPS (VIGIL_COOKIE_SECURE). */
  cookieSecure: boolean;
  /** The clock sessions and tokens expire by; tests move it. */
  now?: () => number;
}

export const AUTH_STRATEGY = 'vigil';

export const LOGIN_FIRST_MESSAGE = 'log in first (or send an API token as "Authorization: Bearer …")';
export const CSRF_MESSAGE = 'missing or wrong CSRF token: send the "x-csrf-token" header with the csrfToken that GET /api/v1/session returns';
export const ADMIN_ONLY_MESSAGE = 'this needs the admin role';

/** A route's `options.auth` for admin-only routes: a viewer gets 403. */
export const ADMIN_ONLY = { access: { scope: 'admin' } } as const;

/** What the scheme leaves in request.auth.artifacts for a cookie login. */
export interface SessionArtifacts {
  sessionIdHash: string;
  csrfToken: string;
}

const SAFE_METHODS = new Set(['get', 'head', 'options']);

/** The logged-in user of a request that passed authentication. */
export function credentialsOf(request: Request): VigilCredentials {
  return request.auth.credentials as unknown as VigilCredentials;
}

/** The session behind a cookie-authenticated request; undefined for a token. */
export function sessionOf(request: Request): SessionArtifacts | undefined {
  const artifacts = request.auth.artifacts as Partial<SessionArtifacts> | undefined;
  return artifacts?.sessionIdHash !== undefined && artifacts.csrfToken !== undefined ? (artifacts as SessionArtifacts) : undefined;
}

/** The API token behind a token-authenticated request (its id); undefined for a session. */
export function tokenIdOf(request: Request): number | undefined {
  const artifacts = request.auth.artifacts as { tokenId?: unknown } | undefined;
  return typeof artifacts?.tokenId === 'number' ? artifacts.tokenId : undefined;
}

export const authPlugin: Plugin<AuthPluginOptions> = {
  name: 'vigil-auth',
  register(server, options) {
    const { db } = options;
    const now = options.now ?? Date.now;

    server.state(SESSION_COOKIE, {
      isHttpOnly: true,
      isSameSite: 'Strict',
      isSecure: options.cookieSecure,
      path: '/',
      // A browser-session cookie: closing the browser logs out; the server enforces the rest.
      ttl: null,
      encoding: 'none',
      // A mangled cookie is treated as absent (then 401), not as a 400 for the whole request.
      ignoreErrors: true,
      clearInvalid: true,
      strictHeader: true,
    });

    server.auth.scheme(AUTH_STRATEGY, () => ({
      authenticate: async (request: Request, h: ResponseToolkit) => {
        const at = now();
        const header = request.headers['authorization'] as string | undefined;
        if (header !== undefined) {
          const token = /^Bearer +(\S+) *$/i.exec(header)?.[1];
          if (token === undefined || !token.startsWith(API_TOKEN_PREFIX)) {
            throw Boom.unauthorized(`the Authorization header must be "Bearer ${API_TOKEN_PREFIX}…" with a Vigil API token`);
          }
          const live = await selectLiveApiToken(db, sha256Hex(token), at);
          if (!live) throw Boom.unauthorized('this API token is unknown, revoked or expired');
          if (live.lastUsedAt === null || at - live.lastUsedAt >= TOKEN_TOUCH_EVERY_MS) await touchApiToken(db, live.id, at);
          return h.authenticated({ credentials: credentialsFor(live.user, 'token') as never, artifacts: { tokenId: live.id } });
        }
        const cookie: unknown = request.state[SESSION_COOKIE];
        if (typeof cookie === 'string' && cookie !== '') {
          const session = await selectLiveSession(db, sha256Hex(cookie), { now: at, idleMs: SESSION_IDLE_MS, absoluteMs: SESSION_ABSOLUTE_MS });
          if (!session) throw Boom.unauthorized('your session has ended (expired or logged out); log in again');
          if (at - session.lastSeenAt >= SESSION_TOUCH_EVERY_MS) await touchSession(db, session.idHash, at);
          const artifacts: SessionArtifacts = { sessionIdHash: session.idHash, csrfToken: session.csrfToken };
          return h.authenticated({ credentials: credentialsFor(session.user, 'session') as never, artifacts: { ...artifacts } });
        }
        throw Boom.unauthorized(LOGIN_FIRST_MESSAGE);
      },
    }));
    server.auth.strategy(AUTH_STRATEGY, AUTH_STRATEGY);
    server.auth.default(AUTH_STRATEGY);

    // A cookie is sent by the browser whatever page asks; the CSRF token only by our own
    // script, which read it from GET /api/v1/session. SameSite=Strict is the first defence,
    // this the second (older browsers, same-site subdomains). A token is never sent on its own.
    server.ext('onPostAuth', (request, h) => {
      if (!request.auth.isAuthenticated || SAFE_METHODS.has(request.method)) return h.continue;
      const session = sessionOf(request);
      if (session === undefined) return h.continue;
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !secretsEqual(sent, session.csrfToken)) throw Boom.forbidden(CSRF_MESSAGE);
      return h.continue;
    });

    server.ext('onPreResponse', (request, h) => {
      const response = request.response;
      if (response === null || !('isBoom' in response) || !response.isBoom) return h.continue;
      // hapi's own words ("Insufficient scope") do not say what would help.
      if (response.output.statusCode === 403 && response.message === 'Insufficient scope') {
        response.output.payload.message = `${ADMIN_ONLY_MESSAGE}; ${credentialsOf(request).user.name} is a ${credentialsOf(request).user.role}`;
      }
      // A cookie that no longer opens a session is dropped, so the browser stops sending it.
      if (response.output.statusCode === 401 && typeof request.state?.[SESSION_COOKIE] === 'string') h.unstate(SESSION_COOKIE);
      return h.continue;
    });
  },
};
