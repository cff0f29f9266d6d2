// Incidents posted on the public status page, as Statuspage's and Uptime Kuma's: what people
// write about an outage for the page's visitors (what is wrong, what is being done, when it is
// over), beside the states Vigil measures. Each incident has a timeline of updates; the newest
// update's status is the incident's; `groups` names the inventory groups it affects (the page's
// sections, Statuspage's components). Resolved ones are kept as long as the rollups
// (lib/db/queries/delete-expired-records.ts), their updates going with them.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE status_incidents (
      id bigserial PRIMARY KEY,
      title text NOT NULL,
      impact text NOT NULL,
      groups json NOT NULL DEFAULT '[]',
      created_at timestamptz NOT NULL,
      created_by text NOT NULL,
      updated_at timestamptz NOT NULL,
      resolved_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX status_incidents_resolved ON status_incidents (resolved_at)`.execute(db);
  await sql`
    CREATE TABLE status_incident_updates (
      id bigserial PRIMARY KEY,
      incident_id bigint NOT NULL REFERENCES status_incidents (id) ON DELETE CASCADE,
      status text NOT NULL,
      message text NOT NULL,
      created_at timestamptz NOT NULL,
      created_by text NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX status_incident_updates_incident ON status_incident_updates (incident_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE status_incident_updates`.execute(db);
  await sql`DROP TABLE status_incidents`.execute(db);
}
