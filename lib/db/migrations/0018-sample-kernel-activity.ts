// Issue #4: the kernel's activity from /proc/stat on every poll, as node_exporter exports it and
// Zabbix's Linux template charts it: context switches, interrupts and forks per second, and the
// tasks blocked on I/O. Plain numeric columns: NULL in rows stored before (and for sources without
// them) costs nothing, and chunks written before read them as null (lib/db/chunks).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE samples
    ADD COLUMN context_switches_per_sec double precision,
    ADD COLUMN interrupts_per_sec double precision,
    ADD COLUMN forks_per_sec double precision,
    ADD COLUMN processes_blocked integer`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE samples
    DROP COLUMN context_switches_per_sec, DROP COLUMN interrupts_per_sec, DROP COLUMN forks_per_sec, DROP COLUMN processes_blocked`.execute(db);
}
