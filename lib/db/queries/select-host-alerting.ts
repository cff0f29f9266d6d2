// What the alerter needs to know of a host to decide whether it is muted: its groups, and the
// `alerting` settings from the inventory (maintenance windows). to_jsonb(hosts) reads the
// `alerting` column when the schema has it and yields null before it does.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { parseJson } from './stored-alert.ts';

export interface HostAlerting {
  groups: string[];
  /** The inventory's maintenance setting as stored, unvalidated. */
  maintenance: unknown;
}

export async function selectHostAlerting(db: VigilDb, host: string): Promise<HostAlerting> {
  const row = await db
    .selectFrom('hosts')
    .select(['groups', sql<unknown>`to_jsonb(hosts) -> 'alerting'`.as('alerting')])
    .where('name', '=', host)
    .executeTakeFirst();
  if (!row) return { groups: [], maintenance: null };
  const groups = parseJson(row.groups, []);
  const alerting = parseJson(row.alerting, null);
  const maintenance = typeof alerting === 'object' && alerting !== null ? (alerting as Record<string, unknown>)['maintenance'] : null;
  return { groups: Array.isArray(groups) ? groups.map(String) : [], maintenance: maintenance ?? null };
}
