// The dashboard's only way to the server: typed calls to the JSON API under api/v1. Paths are
// relative, so the dashboard works behind a proxy that mounts it under a sub-path.
import type { UserRole } from '../../lib/db/database.ts';
import type { HostListAnswer } from '../../lib/db/queries/list-hosts-since.ts';
import type { HostOverview } from '../../lib/db/queries/list-hosts.ts';
import type { FleetSparklines } from '../../lib/db/queries/select-fleet-sparklines.ts';
import type { FleetSummary } from '../../lib/db/queries/select-fleet-summary.ts';
import type { ApiAlert } from '../../lib/web/api-alert.ts';
import type { ApiSilence } from '../../lib/web/api-silence.ts';

export type { ApiAlert, ApiSilence, FleetSparklines, FleetSummary, HostListAnswer, HostOverview, UserRole };

export class ApiError extends Error {
  readonly status: number;
  /** Seconds, from a 429's Retry-After header. */
  readonly retryAfterSec: number | null;
  constructor(status: number, message: string, retryAfterSec: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfterSec = retryAfterSec;
  }
}

/** What to tell the user about a failed call: the server's message, or why there was none. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return `cannot reach the server (${err instanceof Error ? err.message : String(err)})`;
}

/**
 * The CSRF token of the logged-in session (from GET/POST /api/v1/session). Every write made with
 * the session cookie carries it in the x-csrf-token header; the server refuses writes without it.
 */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Paths whose 401 means "wrong password", not "your session is gone". */
export const LOGIN_PATH = 'api/v1/session';

async function readJson<T>(response: Response, path: string, method: string): Promise<T> {
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // Not JSON (a proxy's error page): the status line is all there is.
    }
    if (response.status === 401 && !(path === LOGIN_PATH && method === 'POST')) window.dispatchEvent(new CustomEvent('vigil-unauthorized'));
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(response.status, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * GETs started before anybody asked (early-requests.ts: the session and the first page's calls,
 * together, before the rest of the bundle even runs). The first getJson of the same path takes
 * the answer, once; a failed one is dropped, so that a later call asks again.
 */
const prefetched = new Map<string, Promise<unknown>>();

/** GET a JSON document under the page's base URL (paths are relative: 'api/v1/hosts'). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const early = prefetched.get(path);
  if (early !== undefined) {
    prefetched.delete(path);
    return early as Promise<T>;
  }
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin', ...(signal ? { signal } : {}) });
  return readJson<T>(response, path, 'GET');
}

export function prefetchJson(path: string): void {
  const answer = getJson(path);
  prefetched.set(path, answer);
  answer.catch(() => {
    if (prefetched.get(path) === answer) prefetched.delete(path);
  });
}

/** A write (POST, PUT, PATCH, DELETE) with a JSON body, carrying the session's CSRF token. */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return readJson<T>(response, path, method);
}

const segment = (value: string | number): string => encodeURIComponent(String(value));

// --- Session -------------------------------------------------------------------------------

export interface SessionUser {
  name: string;
  role: UserRole;
}

export interface Session {
  user: SessionUser;
  /** Null when the credentials are an API token (no cookie, so no CSRF). */
  csrfToken: string | null;
}

export const fetchSession = (signal?: AbortSignal): Promise<Session> => getJson<Session>(LOGIN_PATH, signal);
export const logIn = (name: string, password: string): Promise<Session> => sendJson<Session>('POST', LOGIN_PATH, { name, password });
export const logOut = (): Promise<void> => sendJson<void>('DELETE', LOGIN_PATH);
/** Changes the logged-in user's own password; the answer says how many other sessions ended. */
export const changePassword = (currentPassword: string, newPassword: string): Promise<{ user: SessionUser; endedSessions: number }> =>
  sendJson('POST', `${LOGIN_PATH}/password`, { currentPassword, newPassword });

// --- Fleet ---------------------------------------------------------------------------------

/** Every host, or with the cursor of an earlier answer only those changed since (see the route). */
export const hostsPath = (changedSince: string | null): string =>
  changedSince === null ? 'api/v1/hosts' : `api/v1/hosts?changedSince=${encodeURIComponent(changedSince)}`;

export const fetchHosts = (changedSince: string | null, signal?: AbortSignal): Promise<HostListAnswer> => getJson<HostListAnswer>(hostsPath(changedSince), signal);

export const FLEET_SUMMARY_PATH = 'api/v1/fleet/summary';

export const fetchFleetSummary = (signal?: AbortSignal): Promise<FleetSummary> => getJson<FleetSummary>(FLEET_SUMMARY_PATH, signal);

export const sparklinesPath = (minutes: number, points: number): string => `api/v1/fleet/sparklines?minutes=${minutes}&points=${points}`;

export const fetchSparklines = (minutes: number, points: number, signal?: AbortSignal): Promise<FleetSparklines> =>
  getJson<FleetSparklines>(sparklinesPath(minutes, points), signal);

// --- Alerts and silences -------------------------------------------------------------------

export interface AlertHistoryItem {
  id: number;
  alertKey: string;
  rule: string | null;
  host: string | null;
  /** ISO 8601. */
  at: string;
  event: string;
  actor: string | null;
  comment: string | null;
  details: Record<string, unknown>;
}

export interface NewSilence {
  host?: string;
  group?: string;
  rule?: string;
  /** "1h", "4h", "1d", "90m": what the server's duration parser takes. */
  duration?: string;
  /** ISO 8601, instead of a duration. */
  endsAt?: string;
  comment: string;
}

export async function fetchActiveAlerts(signal?: AbortSignal): Promise<ApiAlert[]> {
  return (await getJson<{ alerts: ApiAlert[] }>('api/v1/alerts?state=active', signal)).alerts;
}

/** The newest history entries, or those older than entry `beforeId` (the next page). */
export async function fetchAlertHistory(limit: number, beforeId?: number, signal?: AbortSignal): Promise<AlertHistoryItem[]> {
  const before = beforeId === undefined ? '' : `&before=${beforeId}`;
  return (await getJson<{ history: AlertHistoryItem[] }>(`api/v1/alerts?state=history&limit=${limit}${before}`, signal)).history;
}

export async function acknowledgeAlert(key: string, comment: string): Promise<ApiAlert> {
  return (await sendJson<{ alert: ApiAlert }>('POST', `api/v1/alerts/${segment(key)}/ack`, { comment })).alert;
}

export async function fetchSilences(state: 'active' | 'all', signal?: AbortSignal): Promise<ApiSilence[]> {
  return (await getJson<{ silences: ApiSilence[] }>(`api/v1/silences?state=${state}`, signal)).silences;
}

export async function createSilence(silence: NewSilence): Promise<ApiSilence> {
  return (await sendJson<{ silence: ApiSilence }>('POST', 'api/v1/silences', silence)).silence;
}

export async function expireSilence(id: number): Promise<ApiSilence> {
  return (await sendJson<{ silence: ApiSilence }>('POST', `api/v1/silences/${segment(id)}/expire`)).silence;
}

// --- Users and API tokens (admins) ---------------------------------------------------------

export interface ApiUser {
  name: string;
  role: UserRole;
  createdAt: string;
  updatedAt: string;
}

export interface ApiToken {
  id: number;
  name: string;
  user: string;
  createdAt: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export async function fetchUsers(signal?: AbortSignal): Promise<ApiUser[]> {
  return (await getJson<{ users: ApiUser[] }>('api/v1/users', signal)).users;
}

export async function createUser(user: { name: string; role: UserRole; password: string }): Promise<ApiUser> {
  return (await sendJson<{ user: ApiUser }>('POST', 'api/v1/users', user)).user;
}

export async function updateUser(name: string, change: { role?: UserRole; password?: string }): Promise<ApiUser> {
  return (await sendJson<{ user: ApiUser }>('PATCH', `api/v1/users/${segment(name)}`, change)).user;
}

export const deleteUser = (name: string): Promise<void> => sendJson<void>('DELETE', `api/v1/users/${segment(name)}`);

export async function fetchTokens(signal?: AbortSignal): Promise<ApiToken[]> {
  return (await getJson<{ tokens: ApiToken[] }>('api/v1/tokens', signal)).tokens;
}

/** The answer holds the token itself, which the server never shows again. */
export const createToken = (token: { name: string; user?: string; expiresInDays?: number }): Promise<ApiToken & { token: string }> =>
  sendJson<ApiToken & { token: string }>('POST', 'api/v1/tokens', token);

export const revokeToken = (id: number): Promise<void> => sendJson<void>('DELETE', `api/v1/tokens/${segment(id)}`);
