// The service checks each host ran in its newest sample of the last day: what the status page
// lists under a host (a check's outages alone would leave out the ones that never failed). Every
// sample lists all of its host's checks, so the newest one is enough: one index lookup a host,
// where DISTINCT ON over the day's samples read every sample of the day (8,640 a host at 10 s).
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';

export interface LatestCheck {
  id: string;
  /** Its `name` in vigil_checks when that poll ran; null: none. */
  name: string | null;
}

export async function selectLatestChecks(db: VigilDb, { hosts, since }: { hosts: readonly string[]; since: number }): Promise<Map<string, LatestCheck[]>> {
  const byHost = new Map<string, LatestCheck[]>();
  if (hosts.length === 0) return byHost;
  const rows = await sql<{ host: string; checks: unknown }>`
    SELECT h.host, newest.checks
      FROM unnest(${[...hosts]}::text[]) AS h(host)
      CROSS JOIN LATERAL (
        SELECT checks FROM samples WHERE samples.host = h.host AND ts >= ${new Date(since).toISOString()}::timestamptz ORDER BY ts DESC LIMIT 1
      ) AS newest`.execute(db);
  for (const row of rows.rows) {
    const checks = typeof row.checks === 'string' ? (JSON.parse(row.checks) as unknown) : row.checks;
    if (!Array.isArray(checks)) continue;
    const latest: LatestCheck[] = [];
    for (const check of checks as unknown[]) {
      if (typeof check !== 'object' || check === null) continue;
      const { id, name } = check as Record<string, unknown>;
      if (typeof id === 'string') latest.push({ id, name: typeof name === 'string' ? name : null });
    }
    byHost.set(row.host, latest);
  }
  return byHost;
}
