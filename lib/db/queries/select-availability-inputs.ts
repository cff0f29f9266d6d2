// What an availability report of a period needs from the database: the hosts that existed in it
// (with their groups, lifetime and maintenance setting) and the outages that overlap it: the
// episodes of host-down rules (the host) and of check-failing rules (each service check, by id).
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { stringList } from './row-values.ts';
import { parseJson } from './stored-alert.ts';

export interface AvailabilityHost {
  name: string;
  groups: string[];
  createdAt: number;
  removedAt: number | null;
  /** The inventory's vigil_maintenance as stored, unvalidated. */
  maintenance: unknown;
  /** vigil_availability_target, percent; null when the host has none. */
  targetPct: number | null;
  /** vigil_status_name: the public status page's name for it; null: its inventory name. */
  statusName: string | null;
  /** The SSH bastions it is reached through: while one is down, its own state is unknown. */
  via: string[];
}

export interface AvailabilityEpisode {
  host: string;
  kind: 'host-down' | 'check-failing';
  rule: string;
  /** The check's id for check-failing; null for host-down. */
  check: string | null;
  startedAt: number;
  endedAt: number | null;
}

export interface AvailabilityInputs {
  hosts: AvailabilityHost[];
  /** Of the hosts listed; with `bastions`, also the host-down ones of the bastions they are reached through. */
  episodes: AvailabilityEpisode[];
}

// Milliseconds as a number: parsing a timestamp's text was a tenth of a 1,000-host report's CPU.
const epochMs = (column: string) => sql<number | null>`(extract(epoch from ${sql.ref(column)}) * 1000)::float8`;

export async function selectAvailabilityInputs(
  db: VigilDb, { from, to, host, group, bastions: withBastions = false }: { from: number; to: number; host?: string; group?: string; bastions?: boolean },
): Promise<AvailabilityInputs> {
  let hostQuery = db
    .selectFrom('hosts')
    .select(['name', 'groups', epochMs('created_at').as('created_ms'), epochMs('removed_at').as('removed_ms'), 'alerting', 'via'])
    .where('created_at', '<', new Date(to))
    .where((eb) => eb.or([eb('removed_at', 'is', null), eb('removed_at', '>', new Date(from))]));
  if (host !== undefined) hostQuery = hostQuery.where('name', '=', host);
  if (group !== undefined) hostQuery = hostQuery.where(sql<boolean>`groups::jsonb ? ${group}`);
  const hostRows = await hostQuery.orderBy('name').execute();
  const hosts = hostRows.map((row): AvailabilityHost => {
    const alerting = parseJson(row.alerting, null) as Record<string, unknown> | null;
    const groups = parseJson(row.groups, []);
    return {
      name: row.name,
      groups: Array.isArray(groups) ? groups.map(String) : [],
      createdAt: Number(row.created_ms),
      removedAt: row.removed_ms === null ? null : Number(row.removed_ms),
      maintenance: alerting?.['maintenance'] ?? null,
      targetPct: typeof alerting?.['availabilityTargetPct'] === 'number' ? alerting['availabilityTargetPct'] : null,
      statusName: typeof alerting?.['statusName'] === 'string' ? alerting['statusName'] : null,
      via: stringList(row.via),
    };
  });
  if (hosts.length === 0) return { hosts, episodes: [] };

  let episodeQuery = db
    .selectFrom('alert_episodes')
    .select(['host', 'kind', 'rule', sql<string | null>`labels::jsonb ->> 'id'`.as('check'), epochMs('started_at').as('started_ms'), epochMs('ended_at').as('ended_ms')])
    .where('kind', 'in', ['host-down', 'check-failing'])
    .where('started_at', '<', new Date(to))
    .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', new Date(from))]));
  // One host or a group's: only theirs are read (the status page asks group by group); the whole
  // fleet: every episode of the period, kept only for the hosts listed (not removed before it).
  const listed = new Set(hosts.map((h) => h.name));
  const bastions = new Set(withBastions ? hosts.flatMap((h) => h.via) : []);
  const wanted = new Set([...listed, ...bastions]);
  if (host !== undefined || group !== undefined) episodeQuery = episodeQuery.where('host', '=', sql<string>`ANY(${[...wanted]}::text[])`);
  const episodes = (await episodeQuery.orderBy('started_at').execute())
    .filter((row) => listed.has(row.host) || (bastions.has(row.host) && row.kind === 'host-down'))
    .map((row): AvailabilityEpisode => ({
      host: row.host,
      kind: row.kind as AvailabilityEpisode['kind'],
      rule: row.rule,
      check: row.kind === 'check-failing' ? row.check : null,
      startedAt: Number(row.started_ms),
      endedAt: row.ended_ms === null ? null : Number(row.ended_ms),
    }));
  return { hosts, episodes };
}
