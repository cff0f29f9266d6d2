// The answers of GET /api/v1/availability and /api/v1/hosts/{name}/outages, shared by the route
// that builds them and the dashboard that reads them.
import type { Availability } from '../availability/compute-availability.ts';

/** A host's or one of its checks' figures over the period. */
export interface ApiAvailabilityFigures {
  /** Percent with four decimals; null when nothing of the period was counted. */
  availabilityPct: number | null;
  downSeconds: number;
  countedSeconds: number;
  maintenanceSeconds: number;
  outages: number;
  longestOutageSeconds: number;
  /** An outage is going on now. */
  down: boolean;
}

export interface ApiCheckAvailability extends ApiAvailabilityFigures {
  id: string;
}

export interface ApiHostAvailability extends ApiAvailabilityFigures {
  host: string;
  groups: string[];
  removed: boolean;
  /** The checks with outages in the period. */
  checks: ApiCheckAvailability[];
}

export interface ApiAvailabilityReport {
  from: string;
  to: string;
  /** Lowest availability first. */
  hosts: ApiHostAvailability[];
}

export interface ApiOutage {
  what: 'host' | 'check';
  /** The check's id; null for the host's own outages. */
  check: string | null;
  rule: string;
  startedAt: string;
  /** null while it goes on. */
  endedAt: string | null;
  seconds: number;
}

export interface ApiHostOutages {
  host: string;
  from: string;
  to: string;
  /** Newest first. */
  outages: ApiOutage[];
}

export function toApiFigures(figures: Availability): ApiAvailabilityFigures {
  return {
    availabilityPct: figures.ratio === null ? null : Math.round(figures.ratio * 1_000_000) / 10_000,
    downSeconds: Math.round(figures.downMs / 1000),
    countedSeconds: Math.round(figures.countedMs / 1000),
    maintenanceSeconds: Math.round(figures.maintenanceMs / 1000),
    outages: figures.outages,
    longestOutageSeconds: Math.round(figures.longestOutageMs / 1000),
    down: figures.down,
  };
}
