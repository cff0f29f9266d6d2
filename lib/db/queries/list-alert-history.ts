// What happened to alerts, newest first: state changes, acks (who, when, comment), notices.
import type { VigilDb } from '../database.ts';
import { parseJson, toMs } from './stored-alert.ts';

export interface AlertHistoryItem {
  id: number;
  alertKey: string;
  rule: string | null;
  host: string | null;
  at: number;
  event: string;
  actor: string | null;
  comment: string | null;
  details: Record<string, unknown>;
}

export async function listAlertHistory(db: VigilDb, options: { limit: number; key?: string; host?: string; beforeId?: number }): Promise<AlertHistoryItem[]> {
  let query = db
    .selectFrom('alert_history')
    .leftJoin('alerts', 'alerts.key', 'alert_history.alert_key')
    .select([
      'alert_history.id',
      'alert_history.alert_key',
      'alerts.rule',
      'alerts.host',
      'alert_history.at',
      'alert_history.event',
      'alert_history.actor',
      'alert_history.comment',
      'alert_history.details',
    ]);
  if (options.key !== undefined) query = query.where('alert_history.alert_key', '=', options.key);
  if (options.host !== undefined) query = query.where('alerts.host', '=', options.host);
  if (options.beforeId !== undefined) query = query.where('alert_history.id', '<', options.beforeId);
  const rows = await query.orderBy('alert_history.id', 'desc').limit(options.limit).execute();
  return rows.map((row) => ({
    id: Number(row.id),
    alertKey: row.alert_key,
    rule: row.rule,
    host: row.host,
    at: toMs(row.at),
    event: row.event,
    actor: row.actor,
    comment: row.comment,
    details: parseJson(row.details, {}) as Record<string, unknown>,
  }));
}
