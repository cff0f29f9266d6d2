// Entries seen through another host's poll (issue #8): a vCenter's hypervisors and VMs are hosts
// of their own, named `<vcenter>/<name>`, with `parent` the inventory host they were polled
// through. The inventory does not list them, so inventory sync leaves them to their parent (they
// are removed with it, not for being absent from the inventory). power_state and runs_on are what
// vSphere says of them (a VM's power state, the hypervisor entry running it); null for plain hosts.
// The index serves sync's "children of these parents" and the overview's grouping.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE hosts ADD COLUMN parent text, ADD COLUMN power_state text, ADD COLUMN runs_on text`.execute(db);
  await sql`CREATE INDEX hosts_parent_idx ON hosts (parent) WHERE parent IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX hosts_parent_idx`.execute(db);
  await sql`ALTER TABLE hosts DROP COLUMN parent, DROP COLUMN power_state, DROP COLUMN runs_on`.execute(db);
}
