// Alerts and notice snapshots for the query tests.
import type { NoticeAlert } from '../../../lib/alerting/notify/notice.ts';
import type { StoredAlert } from '../../../lib/db/queries/stored-alert.ts';

export const T = Date.parse('2025-03-01T12:00:00.000Z');

export function storedAlert(over: Partial<StoredAlert> = {}): StoredAlert {
  return {
    key: 'disk-full|db-1|/data', rule: 'disk-full', host: 'db-1', labels: { mount: '/data' }, severity: 'warning', state: 'firing',
    summary: '/data 91 % full', value: 91.5, threshold: 90, receivers: ['db-team'], startsAt: T - 60_000, endsAt: null,
    lastEventAt: T, lastNotifiedAt: T, notifiedFiring: true, ackedBy: null, ackedAt: null, ackedComment: null,
    flapping: false, stateChanges: [T - 1000, T], heldBackBy: null, escalatedSteps: 0, ...over,
  };
}

export function noticeAlert(key: string, over: Partial<NoticeAlert> = {}): NoticeAlert {
  return { key, rule: 'host-down', host: key, labels: {}, severity: 'critical', status: 'firing', summary: '', value: null, threshold: null, startsAt: T, endsAt: null, ...over };
}
