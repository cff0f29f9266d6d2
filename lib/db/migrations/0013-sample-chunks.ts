// Closed hours of raw samples and of 1-minute rollups, packed per host into one row each: a
// columnar, compressed payload (lib/db/chunks/chunk-payload.ts) instead of a row per sample. Built by
// lib/db/chunks/compact-history.ts once the rollups no longer read those hours; every reader of
// samples and samples_1m reads both (lib/db/chunks/select-stored-rows.ts). Not partitioned: a host
// writes one row per hour here instead of 360, so retention deletes rows (lib/db/rollups/apply-retention.ts).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE sample_chunks (
      kind text NOT NULL CHECK (kind IN ('raw', '1m')),
      host text NOT NULL,
      start_ts timestamptz NOT NULL,
      end_ts timestamptz NOT NULL CHECK (end_ts > start_ts),
      row_count integer NOT NULL,
      payload bytea NOT NULL,
      PRIMARY KEY (kind, host, start_ts)
    )`.execute(db);
  // The payload is compressed already: out of line as it is, without pglz trying again.
  await sql`ALTER TABLE sample_chunks ALTER COLUMN payload SET STORAGE EXTERNAL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE sample_chunks`.execute(db);
}
