// Child entries (hosts.parent, migration 0016: a vCenter's hypervisors and VMs, a host's guests)
// that their parent's polls stopped listing: a VM deleted or renamed in vCenter. Such an entry is
// marked removed as a host that left the inventory is (lib/db/queries/sync-inventory-hosts.ts):
// its history stays readable, the evaluator drops it from the hosts it judges and so resolves its
// open alerts at its next tick, and the overview hides it unless asked for removed entries. If the
// parent lists it again, apply-poll-results revives it.
//
// The rule: a successful poll of the parent that carries a listing (PollSuccess.children, even
// empty) leaves the entry out, and the entry has not been listed for at least 1.5 of the parent's
// intervals. At the parent's steady pace that is the second listing in a row without it, so one
// partial answer removes nothing; and it comes before no_data (3 intervals, at least 5 minutes)
// would alert on the entry's silence. A poll without a listing (a light poll, a source without
// children) says nothing of the children and removes none. Keyed on hosts.parent, not on the
// source, so every source with children behaves alike.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { PollResult } from '../../poll/poll-messages.ts';
import type { Database } from '../database.ts';

/** How long, in the parent's intervals, an entry must have gone unlisted before it is removed. */
export const MISSING_INTERVALS = 1.5;

interface Listing {
  parent: string;
  /** The listing's sample time, ISO 8601: the time the children it names were last seen. */
  ts: string;
  listed: string[];
}

/** Marks removed the children the newest listing of each parent left out; returns their names, sorted. */
export async function removeMissingChildren(db: Kysely<Database>, results: readonly PollResult[]): Promise<string[]> {
  const listings = newestListings(results);
  if (listings.length === 0) return [];
  const removed = await sql<{ name: string }>`
    UPDATE hosts c SET removed_at = l.ts
    FROM json_to_recordset(${JSON.stringify(listings)}::json) AS l(parent text, ts timestamptz, listed json)
    JOIN hosts p ON p.name = l.parent
    WHERE c.parent = l.parent
      AND c.removed_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM json_array_elements_text(l.listed) AS x(name) WHERE x.name = c.name)
      AND (c.last_sample_at IS NULL
        OR c.last_sample_at <= l.ts - make_interval(secs => p.interval_sec * ${MISSING_INTERVALS}::double precision))
    RETURNING c.name`.execute(db);
  return removed.rows.map((row) => row.name).sort();
}

/** Per parent, its newest successful poll that listed children: an older one says less. */
function newestListings(results: readonly PollResult[]): Listing[] {
  const newest = new Map<string, { ts: number; listed: string[] }>();
  for (const result of results) {
    if (result.kind !== 'sample' || result.children === undefined) continue;
    const ts = result.sample.ts;
    const current = newest.get(result.host);
    if (current !== undefined && current.ts >= ts) continue;
    newest.set(result.host, { ts, listed: result.children.map((child) => child.sample.host) });
  }
  return [...newest].map(([parent, { ts, listed }]) => ({ parent, ts: new Date(ts).toISOString(), listed }));
}
