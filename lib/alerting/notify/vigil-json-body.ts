// Vigil's own webhook body: the notice as it is, with times as ISO 8601.
import type { Notice } from './notice.ts';

export interface VigilJsonBody {
  source: 'vigil';
  kind: Notice['kind'];
  receiver: string;
  alerts: Array<Omit<Notice['alerts'][number], 'startsAt' | 'endsAt'> & { startsAt: string; endsAt: string | null }>;
}

export function renderVigilJsonBody(notice: Notice): VigilJsonBody {
  return {
    source: 'vigil',
    kind: notice.kind,
    receiver: notice.receiver,
    alerts: notice.alerts.map((alert) => ({
      ...alert,
      startsAt: new Date(alert.startsAt).toISOString(),
      endsAt: alert.endsAt === null ? null : new Date(alert.endsAt).toISOString(),
    })),
  };
}
