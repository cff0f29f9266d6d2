// The live change feed (migration 0009) stamped a host's row only when its last sample, status or
// reason changed. For child entries (0016) the overview also shows the power state and the
// hypervisor a VM runs on: a change of only those (a VM moved to another hypervisor, suspended
// while its status stays down) never reached a dashboard kept live. They change seldom, so
// watching them does not wake browsers on every poll. The failure message stays unwatched on
// purpose: it may differ from one failed poll to the next, and a host failing again for the same
// reason must not wake every browser.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

const BEFORE = ['last_sample_at', 'status', 'status_reason'];
const NOW = [...BEFORE, 'power_state', 'runs_on'];

export async function up(db: Kysely<any>): Promise<void> {
  await replaceStampFunction(db, NOW);
}

export async function down(db: Kysely<any>): Promise<void> {
  await replaceStampFunction(db, BEFORE);
}

async function replaceStampFunction(db: Kysely<any>, columns: string[]): Promise<void> {
  // Column names from this file only, never from input: raw SQL is safe here.
  const changed = columns.map((column) => `NEW.${column} IS DISTINCT FROM OLD.${column}`).join(' OR ');
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION vigil_stamp_hosts_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          NEW.changed_xid := pg_current_xact_id();
        ELSIF ${changed} THEN
          NEW.changed_xid := pg_current_xact_id();
        END IF;
        RETURN NEW;
      END
      $$`,
    )
    .execute(db);
}
