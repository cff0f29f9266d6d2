// Everything a poll collects beyond the first release's headline figures. Headline numbers get
// columns (charted and filtered on); per-item lists (cores, disks, processes, GPUs…) are `json`,
// written once and read whole, and NULL when the host did not provide them, which costs a row
// nothing. Facts change rarely, so they live on the host's row rather than in every sample.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE samples
      ADD COLUMN mem_buffers_bytes bigint,
      ADD COLUMN mem_cached_bytes bigint,
      ADD COLUMN load_per_core double precision,
      ADD COLUMN rebooted boolean NOT NULL DEFAULT false,
      ADD COLUMN disk_read_bps double precision,
      ADD COLUMN disk_write_bps double precision,
      ADD COLUMN processes_total integer,
      ADD COLUMN processes_running integer,
      ADD COLUMN cpu_modes json,
      ADD COLUMN per_core_busy_pct json,
      ADD COLUMN disks json,
      ADD COLUMN processes json,
      ADD COLUMN pressure json,
      ADD COLUMN failed_units json,
      ADD COLUMN gpus json,
      ADD COLUMN missing json`.execute(db);
  await sql`
    ALTER TABLE hosts
      ADD COLUMN boot_time timestamptz,
      ADD COLUMN hostname text,
      ADD COLUMN kernel text,
      ADD COLUMN os_name text,
      ADD COLUMN os_version text,
      ADD COLUMN cpu_model text,
      ADD COLUMN architecture text,
      ADD COLUMN facts_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE hosts
      DROP COLUMN boot_time, DROP COLUMN hostname, DROP COLUMN kernel, DROP COLUMN os_name,
      DROP COLUMN os_version, DROP COLUMN cpu_model, DROP COLUMN architecture, DROP COLUMN facts_at`.execute(db);
  await sql`
    ALTER TABLE samples
      DROP COLUMN mem_buffers_bytes, DROP COLUMN mem_cached_bytes, DROP COLUMN load_per_core, DROP COLUMN rebooted,
      DROP COLUMN disk_read_bps, DROP COLUMN disk_write_bps, DROP COLUMN processes_total, DROP COLUMN processes_running,
      DROP COLUMN cpu_modes, DROP COLUMN per_core_busy_pct, DROP COLUMN disks, DROP COLUMN processes,
      DROP COLUMN pressure, DROP COLUMN failed_units, DROP COLUMN gpus, DROP COLUMN missing`.execute(db);
}
