// Takes alerts out of firing, reminder and escalated notices that are still waiting out their group window
// (never attempted), e.g. hosts behind a bastion whose own alert now speaks for them. A notice
// left with no alert is deleted: it was never sent, and the alerts' history says why.
import type { VigilDb } from '../database.ts';
import { parseJson } from './stored-alert.ts';

/** Returns the keys that were taken out of at least one notice. */
export async function withdrawQueuedNotices(db: VigilDb, alertKeys: readonly string[]): Promise<Set<string>> {
  const withdrawn = new Set<string>();
  if (alertKeys.length === 0) return withdrawn;
  const wanted = new Set(alertKeys);
  const rows = await db
    .selectFrom('notifications')
    .select(['id', 'alert_keys', 'alerts'])
    .where('status', '=', 'pending')
    .where('attempts', '=', 0)
    .where('kind', 'in', ['firing', 'reminder', 'escalated'])
    .forUpdate()
    .execute();
  for (const row of rows) {
    const keys = parseJson(row.alert_keys, []) as string[];
    if (!keys.some((key) => wanted.has(key))) continue;
    const alerts = (parseJson(row.alerts, []) as Array<{ key?: unknown }>).filter((alert) => !wanted.has(String(alert.key)));
    for (const key of keys) if (wanted.has(key)) withdrawn.add(key);
    const left = keys.filter((key) => !wanted.has(key));
    if (left.length === 0) await db.deleteFrom('notifications').where('id', '=', row.id).execute();
    else await db.updateTable('notifications').set({ alert_keys: JSON.stringify(left), alerts: JSON.stringify(alerts) }).where('id', '=', row.id).execute();
  }
  return withdrawn;
}
