// The answers of GET /api/v1/availability and /api/v1/hosts/{name}/outages, shared by the route
// that builds them and the dashboard that reads them.
import type { Availability } from '../availability/compute-availability.ts';
import { formatDuration } from '../format-duration.ts';

/** A host's or one of its checks' figures over the period. */
export interface ApiAvailabilityFigures {
  /** Percent with four decimals; null when nothing of the period was counted. */
  availabilityPct: number | null;
  downSeconds: number;
  countedSeconds: number;
  maintenanceSeconds: number;
  /** Left out too: time its SSH bastion was down, so its own state could not be known. */
  unmonitoredSeconds: number;
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
  /** vigil_availability_target, percent; null when the host has none (then the next two are null too). */
  targetPct: number | null;
  /** Its availability over the period is at least the target. */
  targetMet: boolean | null;
  /** Down time the target allows in the counted time, less the down time: negative once missed (an SLO's error budget left). */
  budgetLeftSeconds: number | null;
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

/** A ratio (0..1) as the percentage the API gives: four decimals by default, as SLA reports show it; null stays null. */
export function toPercent(ratio: number | null, decimals = 4): number | null {
  return ratio === null ? null : Math.round(ratio * 100 * 10 ** decimals) / 10 ** decimals;
}

export function toApiFigures(figures: Availability): ApiAvailabilityFigures {
  return {
    availabilityPct: toPercent(figures.ratio),
    downSeconds: Math.round(figures.downMs / 1000),
    countedSeconds: Math.round(figures.countedMs / 1000),
    maintenanceSeconds: Math.round(figures.maintenanceMs / 1000),
    unmonitoredSeconds: Math.round(figures.unmonitoredMs / 1000),
    outages: figures.outages,
    longestOutageSeconds: Math.round(figures.longestOutageMs / 1000),
    down: figures.down,
  };
}

/** The host's availability against its target: met or not, and the down time it still allows. */
export function toApiTarget(figures: Availability, targetPct: number | null): Pick<ApiHostAvailability, 'targetPct' | 'targetMet' | 'budgetLeftSeconds'> {
  if (targetPct === null) return { targetPct: null, targetMet: null, budgetLeftSeconds: null };
  const allowedMs = figures.countedMs * (1 - targetPct / 100);
  return {
    targetPct,
    // Judged on the exact figure, not the rounded percentage.
    targetMet: figures.ratio === null ? null : figures.ratio * 100 >= targetPct - 1e-9,
    budgetLeftSeconds: Math.round((allowedMs - figures.downMs) / 1000),
  };
}

/** What a target still allows, as the page, the host page and `vigil availability` say it: "40 min left", "2 h 16 min over". */
export function describeBudget(budgetLeftSeconds: number): string {
  if (budgetLeftSeconds >= 0) return `${budgetLeftSeconds > 0 ? formatDuration(budgetLeftSeconds) : 'nothing'} left`;
  return `${formatDuration(-budgetLeftSeconds)} over`;
}
