// The dashboard's only way to the server: typed calls to the JSON API under /api/v1.
import type { HostOverview } from '../../lib/db/queries/list-hosts.ts';
import type { HostSeries } from '../../lib/db/queries/select-host-series.ts';

export type { HostOverview, HostSeries };

export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * The CSRF token of the logged-in session (from GET/POST /api/v1/session). Every write made with
 * the session cookie carries it in the x-csrf-token header; the server refuses writes without it.
 */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

async function readJson<T>(response: Response): Promise<T> {
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // Not JSON (a proxy's error page): the status line is all there is.
    }
    if (response.status === 401) window.dispatchEvent(new CustomEvent('vigil-unauthorized'));
    throw new ApiError(response.status, message);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** GET a JSON document under the page's base URL (paths are relative: 'api/v1/hosts'). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin', ...(signal ? { signal } : {}) });
  return readJson<T>(response);
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
  return readJson<T>(response);
}

export async function fetchHosts(signal?: AbortSignal): Promise<HostOverview[]> {
  const body = await getJson<{ hosts: HostOverview[] }>('api/v1/hosts', signal);
  return body.hosts;
}

export interface SeriesRange {
  /** Milliseconds since the epoch. */
  fromMs: number;
  /** Milliseconds since the epoch; the server's now when absent. */
  toMs?: number;
  maxPoints?: number;
}

export async function fetchHostSeries(host: string, range: SeriesRange, signal?: AbortSignal): Promise<HostSeries> {
  const query = new URLSearchParams({ from: String(Math.floor(range.fromMs)) });
  if (range.toMs !== undefined) query.set('to', String(Math.ceil(range.toMs)));
  if (range.maxPoints !== undefined) query.set('maxPoints', String(range.maxPoints));
  return getJson<HostSeries>(`api/v1/hosts/${encodeURIComponent(host)}/samples?${query.toString()}`, signal);
}
