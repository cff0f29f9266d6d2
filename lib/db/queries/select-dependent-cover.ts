// The hosts that firing alerts name as their dependents (hosts reached through a bastion that is
// down), for the alerter to hold their own alerts back. An alert's dependents are those its
// newest 'firing' or 'dependents' history entry lists: the history is where the alerter records
// what each event said, so the cover survives a restart of the alerter.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { parseJson } from './stored-alert.ts';

export interface DependentCover {
  /** Dependents by the key of the firing alert that names them. */
  byAlert: Map<string, string[]>;
  /** The firing alert that covers each dependent host (the first by key, if several do). */
  byHost: Map<string, { key: string; host: string }>;
}

export async function selectDependentCover(db: VigilDb): Promise<DependentCover> {
  const result = await sql<{ key: string; host: string; dependents: unknown }>`
    SELECT a.key, a.host, h.details -> 'dependents' AS dependents
    FROM alerts a
    CROSS JOIN LATERAL (
      SELECT details FROM alert_history
      WHERE alert_key = a.key AND event IN ('firing', 'dependents')
      ORDER BY id DESC
      LIMIT 1
    ) h
    WHERE a.state = 'firing' AND jsonb_typeof(h.details -> 'dependents') = 'array'
    ORDER BY a.key`.execute(db);
  const cover: DependentCover = { byAlert: new Map(), byHost: new Map() };
  for (const row of result.rows) {
    const listed = parseJson(row.dependents, []);
    const dependents = Array.isArray(listed) ? listed.filter((name): name is string => typeof name === 'string' && name !== row.host) : [];
    if (dependents.length === 0) continue;
    cover.byAlert.set(row.key, dependents);
    for (const host of dependents) if (!cover.byHost.has(host)) cover.byHost.set(host, { key: row.key, host: row.host });
  }
  return cover;
}
