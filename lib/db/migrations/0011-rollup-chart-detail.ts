// The host page's charts at rollup resolution: the averages of CPU modes, swap, load 5/15 and load
// per core, and each bucket's per-device averages (filesystems, interfaces, disks, GPUs) as one
// json array (lib/db/rollups/device-figures.ts). Buckets rolled up before this migration keep
// NULL here and show as gaps in those charts; the headline figures they hold are unchanged.
// The column list is spelled out rather than imported: a migration must not change afterwards.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

const AVERAGES = [
  'cpu_user_pct',
  'cpu_nice_pct',
  'cpu_system_pct',
  'cpu_iowait_pct',
  'cpu_irq_pct',
  'cpu_softirq_pct',
  'cpu_steal_pct',
  'swap_used_pct',
  'load5',
  'load15',
  'load_per_core',
];

export async function up(db: Kysely<any>): Promise<void> {
  const columns = [...AVERAGES.map((metric) => `ADD COLUMN ${metric}_avg double precision`), 'ADD COLUMN devices json'].join(',\n      ');
  for (const table of ['samples_1m', 'samples_1h']) {
    await sql`ALTER TABLE ${sql.id(table)}
      ${sql.raw(columns)}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const columns = [...AVERAGES.map((metric) => `DROP COLUMN ${metric}_avg`), 'DROP COLUMN devices'].join(', ');
  for (const table of ['samples_1m', 'samples_1h']) {
    await sql`ALTER TABLE ${sql.id(table)} ${sql.raw(columns)}`.execute(db);
  }
}
