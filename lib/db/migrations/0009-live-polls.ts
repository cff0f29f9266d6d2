// Live view: hosts someone is watching closely get polled every second or so for a few minutes
// (live_polls), and the web server's change feed learns what changed without scanning tables.
//
// The feed's cursor is a transaction id, not a timestamp or a sequence: a sequence value or
// clock_timestamp() is taken when a row is written, but the row becomes visible at commit, so a
// reader that moved its cursor past a later-numbered, earlier-committed write would miss the
// slower one for good. A row stamped with its writer's xid8 is read again until every
// transaction that could still commit below the cursor has finished (pg_snapshot_xmin), so
// nothing is missed; the feed drops the repeats.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { replaceStampFunction } from './stamp-changes.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE live_polls (
      host text PRIMARY KEY REFERENCES hosts (name) ON DELETE CASCADE ON UPDATE CASCADE,
      until timestamptz NOT NULL,
      interval_sec integer NOT NULL CHECK (interval_sec BETWEEN 1 AND 60),
      requested_by text NOT NULL,
      requested_at timestamptz NOT NULL
    )`.execute(db);

  // Stamped only when something the dashboard shows live changes: most host updates are a
  // failed poll's last_poll_at, which must not wake every browser. No index on hosts: the
  // column changes with nearly every write there, and an index would end HOT updates; a
  // sequential scan of one row per host is cheap next to that.
  await sql`ALTER TABLE hosts ADD COLUMN changed_xid xid8`.execute(db);
  await stampChanges(db, 'hosts', ['last_sample_at', 'status', 'status_reason']);

  // Alerts change seldom and their table keeps every alert ever raised: here an index pays.
  await sql`ALTER TABLE alerts ADD COLUMN changed_xid xid8`.execute(db);
  await sql`CREATE INDEX alerts_changed_xid ON alerts (changed_xid)`.execute(db);
  await stampChanges(db, 'alerts', ['state', 'starts_at', 'ends_at', 'acked_by', 'acked_at', 'flapping']);
}

/** A trigger setting changed_xid to the writing transaction on insert and when one of `columns` changes. */
async function stampChanges(db: Kysely<any>, table: 'hosts' | 'alerts', columns: string[]): Promise<void> {
  await replaceStampFunction(db, table, columns);
  await sql
    .raw(`CREATE TRIGGER ${table}_stamp_change BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION vigil_stamp_${table}_change()`)
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER alerts_stamp_change ON alerts`.execute(db);
  await sql`DROP FUNCTION vigil_stamp_alerts_change()`.execute(db);
  await sql`ALTER TABLE alerts DROP COLUMN changed_xid`.execute(db);
  await sql`DROP TRIGGER hosts_stamp_change ON hosts`.execute(db);
  await sql`DROP FUNCTION vigil_stamp_hosts_change()`.execute(db);
  await sql`ALTER TABLE hosts DROP COLUMN changed_xid`.execute(db);
  await sql`DROP TABLE live_polls`.execute(db);
}
