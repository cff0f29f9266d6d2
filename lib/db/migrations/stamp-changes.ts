// The trigger function of the live change feed (migration 0009): it sets a row's changed_xid to
// the writing transaction on insert and when one of `columns` changes. Migrations 0009, 0017 and
// 0021 use it; since what a migration did must never change, neither may this: a different
// trigger is a new function here and a new migration.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function replaceStampFunction(db: Kysely<any>, table: 'hosts' | 'alerts', columns: readonly string[]): Promise<void> {
  // Table and column names from migrations only, never from input: raw SQL is safe here.
  const changed = columns.map((column) => `NEW.${column} IS DISTINCT FROM OLD.${column}`).join(' OR ');
  await sql
    .raw(
      `CREATE OR REPLACE FUNCTION vigil_stamp_${table}_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
