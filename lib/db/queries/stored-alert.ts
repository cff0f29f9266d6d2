// An alert row as the alerter and the API use it: camelCase, times in milliseconds.
import type { Severity } from '../../alerting/alert-event.ts';
import type { AlertsTable } from '../database.ts';
import type { Selectable } from 'kysely';

export interface StoredAlert {
  key: string;
  rule: string;
  host: string;
  labels: Record<string, string>;
  severity: Severity;
  state: 'pending' | 'firing' | 'resolved';
  summary: string;
  value: number | null;
  threshold: number | null;
  /** As the rule named them; empty for the default receivers. */
  receivers: string[];
  startsAt: number;
  endsAt: number | null;
  lastEventAt: number;
  lastNotifiedAt: number | null;
  notifiedFiring: boolean;
  ackedBy: string | null;
  ackedAt: number | null;
  ackedComment: string | null;
  flapping: boolean;
  stateChanges: number[];
  /** Why its notices are held back now ("inhibited by host_down|web-1", "silence 3"); null when they go out. */
  heldBackBy: string | null;
  /** How many of its escalation steps (alerts.yml `escalate`) were told in this occurrence. */
  escalatedSteps: number;
}

export function toStoredAlert(row: Selectable<AlertsTable>): StoredAlert {
  return {
    key: row.key,
    rule: row.rule,
    host: row.host,
    labels: parseJson(row.labels, {}) as Record<string, string>,
    severity: row.severity as Severity,
    state: row.state,
    summary: row.summary,
    value: row.value === null ? null : Number(row.value),
    threshold: row.threshold === null ? null : Number(row.threshold),
    receivers: parseJson(row.receivers, []) as string[],
    startsAt: toMs(row.starts_at),
    endsAt: toMsOrNull(row.ends_at),
    lastEventAt: toMs(row.last_event_at),
    lastNotifiedAt: toMsOrNull(row.last_notified_at),
    notifiedFiring: row.notified_firing,
    ackedBy: row.acked_by,
    ackedAt: toMsOrNull(row.acked_at),
    ackedComment: row.acked_comment,
    flapping: row.flapping,
    stateChanges: (parseJson(row.state_changes, []) as unknown[]).map(Number),
    heldBackBy: row.held_back_by ?? null,
    escalatedSteps: Number(row.escalated_steps ?? 0),
  };
}

export function toMs(value: Date | string): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

export function toMsOrNull(value: Date | string | null): number | null {
  return value === null ? null : toMs(value);
}

// jsonb comes back parsed from both drivers; text is tolerated for safety.
export function parseJson(value: unknown, fallback: unknown): unknown {
  if (typeof value !== 'string') return value ?? fallback;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return fallback;
  }
}
