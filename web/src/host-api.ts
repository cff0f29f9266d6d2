// The host page's calls to the JSON API, typed with the server's own answer types.
import type { ProcessSummary } from '../../lib/collect/sample.ts';
import type { HostDetail } from '../../lib/db/queries/select-host-detail.ts';
import type { HostSeries } from '../../lib/db/queries/select-host-series.ts';
import type { ApiAlert } from '../../lib/web/api-alert.ts';
import { getJson, sendJson } from './api-client.ts';

export type { ApiAlert, HostDetail, HostSeries, ProcessSummary };

export interface ProcessesAt {
  host: string;
  /** The moment asked about, ISO 8601. */
  at: string;
  /** The newest full poll at or before it; null when there is none (e.g. past raw retention). */
  sample: ({ ts: string } & ProcessSummary) | null;
}

export interface LiveState {
  host: string;
  /** ISO 8601; null when the host is not polled live. */
  until: string | null;
  intervalSec: number | null;
}

const hostPath = (host: string): string => `api/v1/hosts/${encodeURIComponent(host)}`;

export async function fetchHostDetail(host: string, signal?: AbortSignal): Promise<HostDetail> {
  return (await getJson<{ host: HostDetail }>(hostPath(host), signal)).host;
}

export interface SeriesRequest {
  fromMs: number;
  /** Absent: up to the server's now. */
  toMs?: number;
  maxPoints: number;
}

export async function fetchSeries(host: string, request: SeriesRequest, signal?: AbortSignal): Promise<HostSeries> {
  const query = new URLSearchParams({ from: String(Math.floor(request.fromMs)), maxPoints: String(Math.round(request.maxPoints)) });
  if (request.toMs !== undefined) query.set('to', String(Math.ceil(request.toMs)));
  return getJson<HostSeries>(`${hostPath(host)}/samples?${query.toString()}`, signal);
}

export async function fetchProcessesAt(host: string, atMs: number, signal?: AbortSignal): Promise<ProcessesAt> {
  return getJson<ProcessesAt>(`${hostPath(host)}/processes?at=${Math.round(atMs)}`, signal);
}

export async function fetchHostAlerts(host: string, signal?: AbortSignal): Promise<ApiAlert[]> {
  return (await getJson<{ alerts: ApiAlert[] }>(`api/v1/alerts?${new URLSearchParams({ host }).toString()}`, signal)).alerts;
}

export async function fetchLive(host: string, signal?: AbortSignal): Promise<LiveState> {
  return getJson<LiveState>(`${hostPath(host)}/live`, signal);
}

export async function startLive(host: string, minutes: number): Promise<LiveState> {
  return sendJson<LiveState>('POST', `${hostPath(host)}/live`, { minutes });
}

export async function stopLive(host: string): Promise<LiveState> {
  return sendJson<LiveState>('DELETE', `${hostPath(host)}/live`);
}
