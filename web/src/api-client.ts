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

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // Not JSON (a proxy's error page): the status line is all there is.
    }
    throw new ApiError(response.status, message);
  }
  return (await response.json()) as T;
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
