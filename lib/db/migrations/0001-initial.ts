// The first schema. Samples are the only table that grows with fleet size × time, so it is
// partitioned by day from the start: retention drops whole partitions instead of deleting rows.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE hosts (
      name text PRIMARY KEY,
      address text NOT NULL,
      connection text NOT NULL,
      groups jsonb NOT NULL DEFAULT '[]',
      interval_sec integer NOT NULL,
      status text NOT NULL DEFAULT 'unknown' CHECK (status IN ('unknown', 'up', 'down')),
      status_reason text,
      status_message text,
      consecutive_failures integer NOT NULL DEFAULT 0,
      last_poll_at timestamptz,
      last_sample_at timestamptz,
      removed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // double precision rather than real so that what a worker measured reads back exactly;
  // bigint for byte counts, which pass 2^31 on any modern host.
  await sql`
    CREATE TABLE samples (
      host text NOT NULL,
      ts timestamptz NOT NULL,
      cpu_busy_pct double precision,
      cpu_count integer,
      mem_total_bytes bigint,
      mem_available_bytes bigint,
      mem_used_pct double precision,
      swap_total_bytes bigint,
      swap_used_bytes bigint,
      load1 double precision,
      load5 double precision,
      load15 double precision,
      uptime_sec double precision,
      net_rx_bps double precision,
      net_tx_bps double precision,
      disk_used_pct_max double precision,
      filesystems json NOT NULL DEFAULT '[]',
      interfaces json NOT NULL DEFAULT '[]',
      PRIMARY KEY (host, ts)
    ) PARTITION BY RANGE (ts)`.execute(db);

  // Catches samples of days whose partition does not exist yet (a worker clock far ahead,
  // a writer that has not created tomorrow's partition); ensureSamplePartitions moves them out.
  await sql`CREATE TABLE samples_default PARTITION OF samples DEFAULT`.execute(db);

  // Unique so that a redelivered failure is recorded, and counted, once.
  await sql`
    CREATE TABLE poll_failures (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      host text NOT NULL,
      ts timestamptz NOT NULL,
      reason text NOT NULL,
      message text NOT NULL,
      UNIQUE (host, ts)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE poll_failures`.execute(db);
  await sql`DROP TABLE samples`.execute(db);
  await sql`DROP TABLE hosts`.execute(db);
}
