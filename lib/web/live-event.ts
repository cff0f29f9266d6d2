// What GET /api/v1/events streams (Server-Sent Events), shared by the server that writes it and
// the dashboard that reads it. Each event's `data` is one line of JSON.
import type { HostStatus } from '../db/database.ts';
import type { ApiAlert } from './api-alert.ts';

/** Hosts with newly stored samples; ts is the newest sample's time (ms since the epoch). */
export interface LiveSamples {
  hosts: Array<{ name: string; ts: number }>;
}

/** A host's status as the overview shows it, sent when it changes (and for a new host). */
export interface LiveHost {
  name: string;
  status: HostStatus;
  statusReason: string | null;
  statusMessage: string | null;
}

export interface LiveEventData {
  samples: LiveSamples;
  host: LiveHost;
  /** An alert that fired, resolved, was acknowledged or started or stopped flapping. */
  alert: ApiAlert;
}

export type LiveEventType = keyof LiveEventData;

export type LiveEvent = { [K in LiveEventType]: { type: K; data: LiveEventData[K] } }[LiveEventType];

export const LIVE_EVENT_TYPES: readonly LiveEventType[] = ['samples', 'host', 'alert'];
