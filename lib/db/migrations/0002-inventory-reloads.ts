// Every inventory reload, good or bad, so that the dashboard and the API can show what the
// scheduler is polling from, and why an edit did not take. Rows are small and few (one per
// save of the inventory); the scheduler prunes old ones as it writes new ones.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE inventory_reloads (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      source text NOT NULL,
      ok boolean NOT NULL,
      hosts integer NOT NULL,
      added integer NOT NULL DEFAULT 0,
      removed integer NOT NULL DEFAULT 0,
      changed integer NOT NULL DEFAULT 0,
      error text,
      error_file text,
      error_line integer
    )`.execute(db);
  // The status query asks for the newest good reload and the newest reloads overall.
  await sql`CREATE INDEX inventory_reloads_ok_id ON inventory_reloads (ok, id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE inventory_reloads`.execute(db);
}
