// The fleet overview's list, or only what changed in it since an earlier answer: a dashboard kept
// live asks once for every host and then, on each change, for the hosts whose row changed since
// the cursor of its last answer, instead of the whole fleet again (1.7 MB at 5,000 hosts).
//
// The cursor has two halves. The first is the snapshot the answer was read in: hosts.changed_xid
// (migration 0009) names the transaction that last changed a host's status, its reason or its
// newest sample, and the hosts changed since are exactly those whose changed_xid that snapshot
// did not see (pg_visible_in_snapshot): a transaction still running then, or begun after. Unlike
// a bare xid horizon, this does not send again everything changed while some long transaction
// (a backup, another database on the same server) held the horizon back. The second half is a
// digest of what only the inventory changes (address, groups, removed or not, the set of names),
// which changed_xid does not follow: when it differs, or the cursor is not from this database,
// the answer is the whole list again, marked full.
import { sql } from 'kysely';
import type { VigilDb } from '../database.ts';
import { listHosts } from './list-hosts.ts';
import type { HostOverview } from './list-hosts.ts';

export interface HostListCursor {
  /** A pg_snapshot as text: "xmin:xmax:xip,…". */
  snapshot: string;
  /** md5 of the inventory's side of every host, as hex. */
  inventory: string;
}

export interface HostListAnswer {
  /** Every host when `full`, else only those that changed since the cursor asked with. */
  hosts: HostOverview[];
  /** Hand back as changedSince to get what changes after this answer. */
  cursor: string;
  /** True when `hosts` is the whole fleet (no cursor, or the inventory changed since it). */
  full: boolean;
}

/**
 * Transactions a cursor lists as running when its answer was read (those below the newest
 * finished one). Past this many the cursor keeps only the oldest (snapshot "xmin:xmin:"): every
 * change from then on counts as new, which may repeat hosts but never misses one, and keeps the
 * cursor short enough for a URL.
 */
export const MAX_CURSOR_RUNNING = 32;
export const MAX_CURSOR_LENGTH = 2 + 3 * 20 + MAX_CURSOR_RUNNING * 21 + 32;

const CURSOR = /^(\d{1,20}):(\d{1,20}):((?:\d{1,20},)*\d{1,20})?\.([0-9a-f]{32})$/;
const XID8_MAX = 2n ** 64n - 1n;

/**
 * The cursor of an answer, or null when the text is not one (the route answers 400): a snapshot
 * PostgreSQL would take (xmin ≤ xmax, running xids ascending between them) and a digest.
 */
export function parseHostListCursor(text: string): HostListCursor | null {
  const match = CURSOR.exec(text);
  if (!match?.[1] || !match[2] || !match[4]) return null;
  const xmin = BigInt(match[1]);
  const xmax = BigInt(match[2]);
  const running = match[3] ? match[3].split(',').map(BigInt) : [];
  if (xmax > XID8_MAX || xmin > xmax || running.length > MAX_CURSOR_RUNNING) return null;
  let last = xmin;
  for (const xid of running) {
    if (xid < last || xid >= xmax) return null;
    last = xid;
  }
  return { snapshot: `${match[1]}:${match[2]}:${match[3] ?? ''}`, inventory: match[4] };
}

export function formatHostListCursor(cursor: HostListCursor): string {
  return `${cursor.snapshot}.${cursor.inventory}`;
}

const xmaxOf = (snapshot: string): bigint => BigInt(snapshot.split(':')[1] ?? '0');

export async function listHostsSince(db: VigilDb, since: HostListCursor | null): Promise<HostListAnswer> {
  // One snapshot for the cursor, the digest and the rows: the cursor then says exactly what this
  // answer saw. The snapshot is taken by the first statement, the one that reads it.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const state = await sql<{ snapshot: string; running: number; inventory: string }>`
        SELECT pg_current_snapshot()::text AS snapshot,
          (SELECT count(*) FROM pg_snapshot_xip(pg_current_snapshot()))::int AS running,
          (SELECT md5(coalesce(string_agg(json_build_array(name, address, groups, removed_at IS NULL)::text, ',' ORDER BY name), '')) FROM hosts) AS inventory`.execute(trx);
      const row = state.rows[0];
      if (row === undefined) throw new Error('the database returned no snapshot');
      const xmin = row.snapshot.split(':')[0] ?? '0';
      const snapshot = Number(row.running) > MAX_CURSOR_RUNNING ? `${xmin}:${xmin}:` : row.snapshot;
      const cursor = formatHostListCursor({ snapshot, inventory: row.inventory });
      // xmax never moves backwards: a cursor beyond it comes from another database.
      const usable = since !== null && since.inventory === row.inventory && xmaxOf(since.snapshot) <= xmaxOf(row.snapshot);
      if (!usable) return { hosts: await listHosts(trx), cursor, full: true };
      return { hosts: await listHosts(trx, { changedAfterSnapshot: since.snapshot }), cursor, full: false };
    });
}
