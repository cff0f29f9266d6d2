// The hapi server behind the dashboard and the JSON API. Created here, started and stopped by the caller.
import Hapi from '@hapi/hapi';
import type { Server } from '@hapi/hapi';
import Inert from '@hapi/inert';
import type { VigilDb } from '../../lib/db/database.ts';
import { LoginLimiter } from '../../lib/auth/login-limiter.ts';
import type { Logger } from '../../lib/log.ts';
import { authPlugin } from './auth/auth-plugin.ts';
import { EXTRA_SECURITY_HEADERS } from './auth/security-headers.ts';
import { passwordRoutes } from './auth/password-routes.ts';
import { sessionRoutes } from './auth/session-routes.ts';
import { tokenRoutes } from './auth/token-routes.ts';
import { userRoutes } from './auth/user-routes.ts';
import { alertsRoutes } from './routes/alerts-routes.ts';
import { availabilityRoutes } from './routes/availability-routes.ts';
import { incidentRoutes } from './routes/incident-routes.ts';
import { STATUS_PAGE_CACHE_MS, statusRoutes, type StatusPageOptions } from './routes/status-routes.ts';
import { StatusPageCache } from './status-page-cache.ts';
import { selectIncidentsStamp } from '../../lib/db/queries/select-incidents-stamp.ts';
import type { ApiStatusPage } from '../../lib/web/status-page.ts';
import { fleetRoutes } from './routes/fleet-routes.ts';
import { eventsRoutes } from './routes/events-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { hostMetricsRoutes } from './routes/host-metrics-routes.ts';
import { hostsRoutes } from './routes/hosts-routes.ts';
import { inventoryRoutes } from './routes/inventory-routes.ts';
import { liveRoutes } from './routes/live-routes.ts';
import { metricsRoutes } from './routes/metrics-routes.ts';
import { openapiRoutes } from './routes/openapi-routes.ts';
import { staticRoutes } from './routes/static-routes.ts';

export interface WebServerOptions {
  db: VigilDb;
  host: string;
  port: number;
  /** A directory made by buildWeb (index.html, app.js, CSS). */
  staticDir: string;
  log: Logger;
  /** The clock the API's default time ranges are measured from; tests pin it. */
  now?: () => number;
  auth?: WebAuthOptions;
  /** VIGIL_STATUS_PAGE: the public status page's groups and title; absent or null: none. */
  statusPage?: StatusPageOptions | null;
}

export interface WebAuthOptions {
  /** VIGIL_COOKIE_SECURE: the session cookie only travels over HTTPS, and HSTS is sent. */
  cookieSecure?: boolean;
  /** The clock sessions and tokens expire by (default Date.now); tests move it. */
  now?: () => number;
  /** Failed-login counting; tests pass one with small limits. */
  loginLimiter?: LoginLimiter;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Set on every answer, errors included. */
const RESPONSE_HEADERS: Readonly<Record<string, string>> = { 'content-security-policy': CONTENT_SECURITY_POLICY, ...EXTRA_SECURITY_HEADERS };

export async function createWebServer(options: WebServerOptions): Promise<Server> {
  const server = Hapi.server({
    host: options.host,
    port: options.port,
    routes: {
      // HSTS only behind HTTPS (a secure cookie says so); over plain HTTP browsers ignore it anyway.
      security: { hsts: options.auth?.cookieSecure === true ? { maxAge: 31_536_000, includeSubDomains: false } : false, xframe: 'deny', noSniff: true, referrer: 'no-referrer', xss: 'disabled', noOpen: true },
      validate: {
        // hapi's default answer hides what was wrong ("Invalid request query input"); the Joi message
        // ('"from" must be an ISO 8601 date...') is what an API user needs, and it holds no secrets.
        failAction: (_request, _h, err) => {
          throw err ?? new Error('invalid request');
        },
      },
    },
  });

  server.ext('onPreResponse', (request, h) => {
    const response = request.response;
    if (response === null) return h.continue;
    if ('isBoom' in response && response.isBoom) {
      Object.assign(response.output.headers, RESPONSE_HEADERS);
      if (response.output.statusCode >= 500) {
        options.log.error('request failed', { method: request.method, path: request.path, err: response });
      }
    } else if ('header' in response) {
      for (const [name, value] of Object.entries(RESPONSE_HEADERS)) response.header(name, value);
    }
    return h.continue;
  });

  const authNow = options.auth?.now ? { now: options.auth.now } : {};
  // One count of failed password checks for the login and the password change.
  const loginLimiter = options.auth?.loginLimiter ?? new LoginLimiter(undefined, options.auth?.now);
  // First: routes that set auth.access need the default strategy to exist when they are added.
  await server.register({ plugin: authPlugin, options: { db: options.db, cookieSecure: options.auth?.cookieSecure === true, ...authNow } });
  await server.register(Inert);
  const statusPageCache = new StatusPageCache<ApiStatusPage>(options.statusPage?.cacheMs ?? STATUS_PAGE_CACHE_MS, () => selectIncidentsStamp(options.db));
  await server.register([
    { plugin: healthRoutes, options: { db: options.db, log: options.log } },
    { plugin: sessionRoutes, options: { db: options.db, log: options.log, ...authNow, limiter: loginLimiter } },
    { plugin: passwordRoutes, options: { db: options.db, log: options.log, ...authNow, limiter: loginLimiter } },
    { plugin: userRoutes, options: { db: options.db, log: options.log, ...authNow } },
    { plugin: tokenRoutes, options: { db: options.db, log: options.log, ...authNow } },
    { plugin: hostsRoutes, options: { db: options.db, ...(options.now ? { now: options.now } : {}) } },
    { plugin: alertsRoutes, options: { db: options.db, ...(options.now ? { now: options.now } : {}) } },
    { plugin: fleetRoutes, options: { db: options.db, ...(options.now ? { now: options.now } : {}) } },
    { plugin: availabilityRoutes, options: { db: options.db, ...(options.now ? { now: options.now } : {}) } },
    { plugin: statusRoutes, options: { db: options.db, statusPage: options.statusPage ?? null, cache: statusPageCache, ...(options.now ? { now: options.now } : {}) } },
    { plugin: incidentRoutes, options: { db: options.db, cache: statusPageCache, ...(options.now ? { now: options.now } : {}) } },
    { plugin: inventoryRoutes, options: { db: options.db } },
    { plugin: liveRoutes, options: { db: options.db, ...(options.now ? { now: options.now } : {}) } },
    { plugin: eventsRoutes, options: { db: options.db, log: options.log, ...authNow } },
    { plugin: metricsRoutes, options: {} },
    { plugin: hostMetricsRoutes, options: { db: options.db, ...(options.now ? { now: options.now } : {}) } },
    { plugin: openapiRoutes, options: {} },
    { plugin: staticRoutes, options: { staticDir: options.staticDir } },
  ]);
  return server;
}
