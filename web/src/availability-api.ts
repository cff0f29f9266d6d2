// The availability report's and a host's outages' calls to the JSON API, typed with the server's own answer types.
import { describeBudget, toPercent, type ApiAvailabilityFigures, type ApiAvailabilityReport, type ApiCheckAvailability, type ApiHostAvailability, type ApiHostOutages, type ApiOutage } from '../../lib/web/api-availability.ts';
import { getJson } from './api-client.ts';

export { describeBudget, toPercent };
export type { ApiAvailabilityFigures, ApiAvailabilityReport, ApiCheckAvailability, ApiHostAvailability, ApiHostOutages, ApiOutage };

export interface AvailabilityQuery {
  fromMs: number;
  toMs: number;
  host?: string;
  group?: string;
}

export function fetchAvailability(query: AvailabilityQuery, signal?: AbortSignal): Promise<ApiAvailabilityReport> {
  const params = new URLSearchParams({ from: String(Math.floor(query.fromMs)), to: String(Math.ceil(query.toMs)) });
  if (query.host !== undefined) params.set('host', query.host);
  if (query.group !== undefined) params.set('group', query.group);
  return getJson<ApiAvailabilityReport>(`api/v1/availability?${params.toString()}`, signal);
}

export function fetchHostOutages(host: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<ApiHostOutages> {
  const params = new URLSearchParams({ from: String(Math.floor(fromMs)), to: String(Math.ceil(toMs)) });
  return getJson<ApiHostOutages>(`api/v1/hosts/${encodeURIComponent(host)}/outages?${params.toString()}`, signal);
}
