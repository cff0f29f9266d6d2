// The inventory as the scheduler last read it, for the dashboard's inventory page: the web
// service of a fleet runs elsewhere and cannot read the file. Secrets are masked before a row
// is written (lib/inventory/mask-variables.ts), so nothing here is a secret. A snapshot is
// written only when its content changed, and only the latest few are kept.
// One row per host, not one document: a host page asks for one host of possibly thousands.
// json, not jsonb: read whole, keeps Ansible's key order, and takes any string jsonb refuses (\u0000).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE inventory_snapshots (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      loaded_at timestamptz NOT NULL DEFAULT now(),
      source text NOT NULL,
      hash text NOT NULL,
      groups json NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE inventory_snapshot_hosts (
      snapshot_id bigint NOT NULL REFERENCES inventory_snapshots (id) ON DELETE CASCADE,
      name text NOT NULL,
      position integer NOT NULL,
      groups json NOT NULL,
      vars json NOT NULL,
      PRIMARY KEY (snapshot_id, name)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE inventory_snapshot_hosts`.execute(db);
  await sql`DROP TABLE inventory_snapshots`.execute(db);
}
