// Retention of the tables that grow by rows rather than by partitions: poll failures (raw data,
// kept as long as raw samples), alert history and delivered notifications (kept as long as the
// rollups). The notes of pending episodes that never fired ('pending', 'cleared': a breach shorter
// than its `for`, a host that missed a poll) are the bulk of the history on a flaky network and
// say nothing a month later, so they go with the raw data. Nothing of an alert that is pending or
// firing now is deleted: its history says whom it speaks for (selectDependentCover reads it).
// Deleted in batches, so that no statement holds many locks or a long transaction.
import { sql, type RawBuilder } from 'kysely';
import type { VigilDb } from '../database.ts';

export interface RecordCutoffs {
  /** Epoch ms: poll failures and pending episodes' notes older than this go. */
  rawBefore: number;
  /** Epoch ms: the rest of the alert history and sent or failed notifications older than this go. */
  longBefore: number;
  /** Rows per DELETE statement. */
  batch?: number;
}

export interface ExpiredRecords {
  pollFailures: number;
  alertHistory: number;
  notifications: number;
}

export async function deleteExpiredRecords(db: VigilDb, cutoffs: RecordCutoffs): Promise<ExpiredRecords> {
  const batch = cutoffs.batch ?? 10_000;
  const raw = iso(cutoffs.rawBefore);
  const long = iso(cutoffs.longBefore);
  const inactive = sql`alert_key NOT IN (SELECT key FROM alerts WHERE state <> 'resolved')`;
  return {
    pollFailures: await deleteInBatches(db, 'poll_failures', sql`ts < ${raw}::timestamptz`, batch),
    alertHistory:
      (await deleteInBatches(db, 'alert_history', sql`at < ${raw}::timestamptz AND event IN ('pending', 'cleared') AND ${inactive}`, batch)) +
      (await deleteInBatches(db, 'alert_history', sql`at < ${long}::timestamptz AND ${inactive}`, batch)),
    // Pending and sending ones are still to be delivered, however old.
    notifications: await deleteInBatches(db, 'notifications', sql`created_at < ${long}::timestamptz AND status IN ('sent', 'failed')`, batch),
  };
}

async function deleteInBatches(db: VigilDb, table: 'poll_failures' | 'alert_history' | 'notifications', where: RawBuilder<unknown>, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await sql`
      DELETE FROM ${sql.id(table)} WHERE id IN (SELECT id FROM ${sql.id(table)} WHERE ${where} LIMIT ${batch})`.execute(db);
    const deleted = Number(result.numAffectedRows ?? 0);
    total += deleted;
    if (deleted < batch) return total;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
