// A notification row as the sender and the API use it.
import type { Selectable } from 'kysely';
import type { NoticeAlert, NoticeKind } from '../../alerting/notify/notice.ts';
import type { NotificationsTable } from '../database.ts';
import { parseJson, toMs, toMsOrNull } from './stored-alert.ts';

export interface StoredNotification {
  id: number;
  receiver: string;
  channel: 'email' | 'webhook';
  target: Record<string, unknown>;
  kind: NoticeKind;
  alertKeys: string[];
  alerts: NoticeAlert[];
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: number;
  nextAttemptAt: number;
  sentAt: number | null;
}

export function toStoredNotification(row: Selectable<NotificationsTable>): StoredNotification {
  return {
    id: Number(row.id),
    receiver: row.receiver,
    channel: row.channel,
    target: parseJson(row.target, {}) as Record<string, unknown>,
    kind: row.kind as NoticeKind,
    alertKeys: parseJson(row.alert_keys, []) as string[],
    alerts: parseJson(row.alerts, []) as NoticeAlert[],
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: toMs(row.created_at),
    nextAttemptAt: toMs(row.next_attempt_at),
    sentAt: toMsOrNull(row.sent_at),
  };
}
