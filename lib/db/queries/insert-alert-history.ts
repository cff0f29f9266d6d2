// Appends to an alert's history: state changes, acks, flapping, notices sent or given up.
import type { VigilDb } from '../database.ts';

export interface AlertHistoryEntry {
  alertKey: string;
  at: number;
  event: string;
  actor?: string | null;
  comment?: string | null;
  details?: Record<string, unknown>;
}

export async function insertAlertHistory(db: VigilDb, entries: AlertHistoryEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('alert_history')
    .values(
      entries.map((entry) => ({
        alert_key: entry.alertKey,
        at: new Date(entry.at),
        event: entry.event,
        actor: entry.actor ?? null,
        comment: entry.comment ?? null,
        details: JSON.stringify(entry.details ?? {}),
      })),
    )
    .execute();
}
