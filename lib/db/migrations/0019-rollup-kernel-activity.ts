// The host page's kernel activity charts at rollup resolution: the averages of context switches,
// interrupts and forks per second, and of the tasks blocked on I/O (migration 0018).
// Buckets rolled up before this migration keep NULL here and show as gaps in those charts.
// The column list is spelled out rather than imported: a migration must not change afterwards.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

const AVERAGES = ['context_switches_per_sec', 'interrupts_per_sec', 'forks_per_sec', 'processes_blocked'];

export async function up(db: Kysely<any>): Promise<void> {
  const columns = AVERAGES.map((metric) => `ADD COLUMN ${metric}_avg double precision`).join(',\n      ');
  for (const table of ['samples_1m', 'samples_1h']) {
    await sql`ALTER TABLE ${sql.id(table)}
      ${sql.raw(columns)}`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  const columns = AVERAGES.map((metric) => `DROP COLUMN ${metric}_avg`).join(', ');
  for (const table of ['samples_1m', 'samples_1h']) {
    await sql`ALTER TABLE ${sql.id(table)} ${sql.raw(columns)}`.execute(db);
  }
}
